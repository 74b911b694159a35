//! One method per command, declared from the core's table
//! (`chatlife::command_table!`), so a new command there is a new method here.
//! A method takes `now`, then each field in the table's order, named after it
//! (camelCase in JavaScript), except that `start_conversation` and `reconnect`
//! take their optional fields in one object. Its docs are the table's. When
//! every argument is a string (or absent and optional) the command is built
//! from them as they are; anything else goes down the JSON path, whose
//! refusals every binding shares.
// Methods are named after the table's variants; napi makes them camelCase.
#![allow(non_snake_case)]

use chatlife::{json_key, Command, Role, Text};
use napi::bindgen_prelude::{Env, Unknown};
use napi::JsValue;
use napi_derive::napi;

use crate::{apply_fields, fast_args, read, thrown, Code, Engine};

/// Turns the table into methods. napi reads a method's signature before any
/// macro in it expands, so each parameter is written out whole, its
/// TypeScript type looked up by `@ty` from the field's need and kind: a table
/// entry with a pair `@ty` lacks fails to compile here, and needs its line.
macro_rules! methods {
    ($($(#[doc = $doc:literal])* $variant:ident = $op:literal { $($need:ident $field:ident: $kind:ident),* $(,)? })*) => {
        $( methods!(@mode $variant [$variant $op [$($doc)*] [$($need $field $kind)*]] $($need $field: $kind,)*); )*
    };
    // The object argument that takes the optional fields, and its type.
    (@mode StartConversation [$($m:tt)*] $($f:tt)*) => { methods!(@args [[options "StartOptions" [Option<Unknown<'_>>]] [options] $($m)*] [] $($f)*); };
    (@mode Reconnect [$($m:tt)*] $($f:tt)*) => { methods!(@args [[request "ReconnectRequest" [Unknown<'_>]] [request] $($m)*] [] $($f)*); };
    (@mode $variant:ident [$($m:tt)*] $($f:tt)*) => { methods!(@args [[] [] $($m)*] [] $($f)*); };
    (@args [[$o:ident $($ot:tt)*] $($m:tt)*] $p:tt opt $f:ident: $kind:ident, $($rest:tt)*) => {
        methods!(@args [[$o $($ot)*] $($m)*] $p $($rest)*);
    };
    (@args $m:tt $p:tt $need:ident $f:ident: $kind:ident, $($rest:tt)*) => {
        methods!(@ty $need $kind $f [$m $p $f] $($rest)*);
    };
    (@ty req text $_:ident $k:tt $($r:tt)*) => { methods!(@arg "string" [Unknown<'_>] $k $($r)*); };
    (@ty opt text $_:ident $k:tt $($r:tt)*) => { methods!(@arg "string | null" [Option<Unknown<'_>>] $k $($r)*); };
    (@ty req role $_:ident $k:tt $($r:tt)*) => { methods!(@arg "Role" [Unknown<'_>] $k $($r)*); };
    (@ty req wait_for $_:ident $k:tt $($r:tt)*) => { methods!(@arg "WaitFor" [Unknown<'_>] $k $($r)*); };
    (@ty req timers $_:ident $k:tt $($r:tt)*) => { methods!(@arg "TimerSettings" [Unknown<'_>] $k $($r)*); };
    (@ty nul count $_:ident $k:tt $($r:tt)*) => { methods!(@arg "number | null" [Unknown<'_>] $k $($r)*); };
    // A JSON field's type is its name's.
    (@ty req json request $k:tt $($r:tt)*) => { methods!(@arg "ParticipantRoleConfigRequest" [Unknown<'_>] $k $($r)*); };
    (@arg $ts:literal [$($ty:tt)*] [$m:tt [$($p:tt)*] $f:ident] $($rest:tt)*) => {
        methods!(@args $m [$($p)* #[napi(ts_arg_type = $ts)] $f: $($ty)*,] $($rest)*);
    };
    (@args [[$($o:ident $ots:literal [$($oty:tt)*])?] $mode:tt $variant:ident $op:literal [$($doc:literal)*] [$($need:ident $field:ident $kind:ident)*]] [$($p:tt)*]) => {
        #[napi]
        impl Engine {
            $(#[doc = $doc])*
            #[napi(catch_unwind)]
            pub fn $variant(
                &mut self,
                env: Env,
                #[napi(ts_arg_type = "number")] now: Unknown<'_>,
                $($p)*
                $(#[napi(ts_arg_type = $ots)] $o: $($oty)*)?
            ) -> napi::Result<(), Code> {
                let options: Option<(_, Unknown)> =
                    [$(Into::<Option<_>>::into($o).map(|v| (stringify!($o), v)))?].into_iter().next().flatten();
                let given = [$(methods!(@given $mode $need $field)),*];
                const _: () = assert!(<[&str]>::len(&[$(stringify!($field)),*]) <= crate::IDS, "more fields than Scratch::ids");
                let bufs = self.scratch.ids.first_chunk_mut().expect("no command has more fields than IDS");
                if let Some((at, [$($field),*])) = fast_args(&env, now, given, bufs) {
                    let plain = options.is_none_or(|(_, value)| read::absent(env.raw(), value.raw()));
                    if let (true, $(Some($field),)*) = (plain, $(methods!(@fast $need $kind $field),)*) {
                        return self.engine.apply(at, &Command::$variant { $($field),* }).map_err(thrown);
                    }
                }
                let fields = [$(json_key(stringify!($field))),*].into_iter().zip(given).collect();
                apply_fields(&mut self.engine, &env, now, $op, fields, options)
            }
        }
    };
    // An optional field that the object argument holds is no argument of its own.
    (@given [$o:ident] opt $field:ident) => { None };
    (@given $o:tt opt $field:ident) => { $field };
    (@given $o:tt $need:ident $field:ident) => { Some($field) };
    // A fast path's field from a string argument; `None` takes the JSON path.
    (@fast req text $arg:ident) => { $arg.map(Text::borrowed) };
    (@fast opt text $arg:ident) => { Some($arg.map(Text::borrowed)) };
    // An unknown role is refused by the JSON path, in its words.
    (@fast req role $arg:ident) => { $arg.and_then(|name| Role::ALL.into_iter().find(|r| r.as_str() == name)) };
    (@fast $need:ident $kind:ident $arg:ident) => { None };
}

chatlife::command_table!(methods);
