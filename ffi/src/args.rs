//! C arguments as the fields of the core's `Command`. The single-command
//! exports (through [`ffi_command!`]) and the commands of a batch (`batch.rs`)
//! read every field through [`FromC`], so a field is checked, and a bad one
//! worded, the same way whichever path it came by.

use chatlife::{Role, SecretText, Text, TimerSettings, WaitFor};

use crate::boundary::{optional_text, required, text};
use crate::engine::{chatlife_role, chatlife_wait_for};
use crate::error::Failure;
use crate::event::chatlife_timers;
use crate::text::chatlife_str;

/// The whole body of a single-command export:
/// `ffi_command!(engine, now, error_out, Variant { fields })` builds
/// `chatlife::Command::Variant`, borrowing the C strings, inside the panic
/// boundary, and applies it with the engine's `apply`. A field is written
/// `name name_len` for a string passed as pointer and length, `name` for any
/// other argument, and `field: name ...` when C names it otherwise. Fields
/// are read in the order written, so the first bad argument is the one named.
macro_rules! ffi_command {
    (@arg $field:ident $arg:ident ; $($len:ident)?) => { ffi_command!(@arg $arg ; $($len)?) };
    (@arg $arg:ident ; $len:ident) => {
        $crate::args::FromC::from_c(stringify!($arg), $crate::text::chatlife_str { data: $arg, len: $len })
    };
    (@arg $arg:ident ; ) => { $crate::args::FromC::from_c(stringify!($arg), $arg) };
    ($engine:ident, $now:ident, $error_out:ident,
     $variant:ident { $($field:ident $(: $arg:ident)? $($len:ident)?),* $(,)? }) => {
        ffi_boundary!(status, $error_out, {
            // SAFETY (all): header contract for engines and for the arguments each field reads.
            let engine = unsafe { $crate::engine::engine_mut($engine) }?;
            let command = ::chatlife::Command::$variant {
                $($field: unsafe { ffi_command!(@arg $field $($arg)? ; $($len)?) }?),*
            };
            engine.run(|core| core.apply($now, &command))
        })
    };
}

/// A command field read from its C argument; `name` is the argument's, for
/// the failure.
pub(crate) trait FromC<Raw>: Sized {
    /// # Safety
    /// `raw` keeps the header's contract: a non-NULL pointer is valid for
    /// reading (a string for its length) during the call.
    unsafe fn from_c(name: &'static str, raw: Raw) -> Result<Self, Failure>;
}

impl<'a> FromC<chatlife_str> for Text<'a> {
    unsafe fn from_c(name: &'static str, s: chatlife_str) -> Result<Text<'a>, Failure> {
        // SAFETY: passed on from the caller.
        unsafe { text(name, s.data, s.len) }.map(Text::from)
    }
}

/// NULL is absent.
impl<'a> FromC<chatlife_str> for Option<Text<'a>> {
    unsafe fn from_c(name: &'static str, s: chatlife_str) -> Result<Option<Text<'a>>, Failure> {
        // SAFETY: passed on from the caller.
        Ok(unsafe { optional_text(name, s.data, s.len) }?.map(Text::from))
    }
}

impl<'a> FromC<chatlife_str> for Option<SecretText<'a>> {
    unsafe fn from_c(name: &'static str, s: chatlife_str) -> Result<Option<SecretText<'a>>, Failure> {
        // SAFETY: passed on from the caller.
        Ok(unsafe { optional_text(name, s.data, s.len) }?.map(SecretText::new))
    }
}

/// JSON text; its parse error names the field without `_json`, as the JSON
/// form of the command calls it (`request`).
impl FromC<chatlife_str> for serde_json::Value {
    unsafe fn from_c(name: &'static str, s: chatlife_str) -> Result<serde_json::Value, Failure> {
        // SAFETY: passed on from the caller.
        let json = unsafe { text(name, s.data, s.len) }?;
        let name = name.trim_end_matches("_json");
        serde_json::from_str(json).map_err(|e| Failure::invalid_argument(format!("{name}: not JSON: {e}")))
    }
}

/// A `chatlife_role` or `chatlife_wait_for` as the core's value of the same name.
macro_rules! from_c_enum {
    ($core:ident, $c:ident, $($value:ident),*) => {
        impl FromC<u32> for $core {
            unsafe fn from_c(name: &'static str, raw: u32) -> Result<$core, Failure> {
                match raw {
                    $( n if n == $c::$value as u32 => Ok($core::$value), )*
                    n => Err(Failure::invalid_argument(format!(concat!("{}: {} is not a ", stringify!($c)), name, n))),
                }
            }
        }
    };
}

from_c_enum!(Role, chatlife_role, Customer, Agent, Supervisor, Bot);
from_c_enum!(WaitFor, chatlife_wait_for, None, Customer, Bot);

impl FromC<chatlife_timers> for TimerSettings {
    unsafe fn from_c(_: &'static str, timers: chatlife_timers) -> Result<TimerSettings, Failure> {
        timers.to_settings()
    }
}

/// Read, not kept; NULL is refused.
impl FromC<*const chatlife_timers> for TimerSettings {
    unsafe fn from_c(name: &'static str, timers: *const chatlife_timers) -> Result<TimerSettings, Failure> {
        // SAFETY: non-NULL and, by the caller's contract, readable.
        unsafe { required(name, timers.cast_mut())?.as_ptr().read() }.to_settings()
    }
}

/// `set_agent_capacity`'s: read, not kept; NULL is unbounded.
impl FromC<*const u32> for Option<u32> {
    unsafe fn from_c(_: &'static str, capacity: *const u32) -> Result<Option<u32>, Failure> {
        // SAFETY: NULL or, by the caller's contract, readable.
        Ok(unsafe { capacity.as_ref() }.copied())
    }
}
