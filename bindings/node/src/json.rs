//! JavaScript's own `JSON`, through napi, for moving many values at once.
//!
//! `JSON.stringify` reads a host's values with the semantics hosts know
//! (`toJSON`, members that are `undefined` left out) and writes integers as
//! integers; `JSON.parse` builds plain objects, keys in text order, several
//! times faster than setting their properties one napi call at a time (the
//! engine's own parser shapes them as a script would; measured in
//! `pollEvents` at about 2.4x).

use napi::bindgen_prelude::{Env, FromNapiValue, Function, JsObjectValue, Object, Unknown};
use napi::{sys, JsValue, ValueType};

/// Why `JSON.stringify` gave no text.
pub enum NoText {
    /// It threw: a getter or `toJSON` threw, a cycle, a `BigInt`.
    Threw(napi::Error),
    /// The value could not be reached or its text read.
    Unreadable(napi::Error),
}

/// `JSON.stringify` and `JSON.parse` as first found, held for the life of
/// the environment: finding them by name costs more than a small batch.
struct Builtins {
    stringify: sys::napi_ref,
    parse: sys::napi_ref,
}

#[derive(Clone, Copy)]
enum Builtin {
    Stringify,
    Parse,
}

fn check(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(format!("napi status {status}")))
    }
}

fn builtins(env: &Env) -> napi::Result<&'static Builtins> {
    if let Some(builtins) = env.get_instance_data::<Builtins>()? {
        return Ok(builtins);
    }
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let keep = |name: &str| -> napi::Result<sys::napi_ref> {
        let function: Function<Unknown, Unknown> = json.get_named_property(name)?;
        let mut reference = std::ptr::null_mut();
        // SAFETY: a function of this env, held by one strong reference.
        check(unsafe { sys::napi_create_reference(env.raw(), function.raw(), 1, &mut reference) })?;
        Ok(reference)
    };
    let builtins = Builtins { stringify: keep("stringify")?, parse: keep("parse")? };
    env.set_instance_data(builtins, (), |context| {
        for reference in [context.value.stringify, context.value.parse] {
            // SAFETY: the references were made in this env and are deleted once,
            // here, as the env goes away. Nothing can be done about a failure.
            let _ = unsafe { sys::napi_delete_reference(context.env.raw(), reference) };
        }
    })?;
    let kept = env.get_instance_data::<Builtins>()?;
    kept.map(|builtins| &*builtins).ok_or_else(|| napi::Error::from_reason("JSON builtins not kept"))
}

fn method(env: &Env, which: Builtin) -> napi::Result<Function<'_, Unknown<'_>, Unknown<'_>>> {
    let builtins = builtins(env)?;
    let reference = match which {
        Builtin::Stringify => builtins.stringify,
        Builtin::Parse => builtins.parse,
    };
    let mut function = std::ptr::null_mut();
    // SAFETY: a live strong reference of this env.
    check(unsafe { sys::napi_get_reference_value(env.raw(), reference, &mut function) })?;
    // SAFETY: the value comes from this env; the conversion checks it is a function.
    unsafe { Function::from_napi_value(env.raw(), function) }
}

/// `JSON.stringify(value)` into `text`, reusing its allocation. `Ok(false)`
/// when the value has no JSON form (`undefined`, a function).
pub fn stringify(env: &Env, value: Unknown<'_>, text: &mut String) -> Result<bool, NoText> {
    let stringify = method(env, Builtin::Stringify).map_err(NoText::Unreadable)?;
    let written = stringify.call(value).map_err(NoText::Threw)?;
    if written.get_type().map_err(NoText::Unreadable)? != ValueType::String {
        return Ok(false);
    }
    if !crate::read::string(env.raw(), written.raw(), text) {
        return Err(NoText::Unreadable(napi::Error::from_reason("JSON.stringify wrote text napi cannot read")));
    }
    Ok(true)
}

/// `JSON.parse(text)` of JSON text this addon wrote.
pub fn parse<'env>(env: &'env Env, text: &[u8]) -> napi::Result<Unknown<'env>> {
    let mut string = std::ptr::null_mut();
    // Latin-1 is a plain copy in V8; ASCII is the same bytes in both.
    let create = if text.is_ascii() { sys::napi_create_string_latin1 } else { sys::napi_create_string_utf8 };
    // SAFETY: the pointer and length describe `text`, alive for the call.
    let status = unsafe { create(env.raw(), text.as_ptr().cast(), text.len() as isize, &mut string) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("cannot make a string of the JSON text"));
    }
    // SAFETY: `string` was just created in this env.
    let string = unsafe { Unknown::from_raw_unchecked(env.raw(), string) };
    method(env, Builtin::Parse)?.call(string)
}

/// Arrays one after the other as one array (`first.concat(second)`...).
pub fn concat<'env>(lists: Vec<Unknown<'env>>) -> napi::Result<Unknown<'env>> {
    let mut lists = lists.into_iter();
    let mut all = lists.next().ok_or_else(|| napi::Error::from_reason("no arrays to join"))?;
    for next in lists {
        // SAFETY: every list is an array JSON.parse made, an object.
        let list: Object = unsafe { all.cast() }?;
        let concat: Function<Unknown, Unknown> = list.get_named_property("concat")?;
        all = concat.apply(all, next)?;
    }
    Ok(all)
}
