//! V8's own `JSON`, through napi: the only JSON reader and writer on the
//! JavaScript side of the addon (the core's serde_json reads what it writes).
//!
//! `JSON.stringify` reads a host's values with the semantics hosts know
//! (`toJSON`, members that are `undefined` left out) and writes integers as
//! integers; `JSON.parse` builds plain objects, keys in text order, several
//! times faster than setting their properties one napi call at a time
//! (measured in `pollEvents` at about 2.4x).

use napi::bindgen_prelude::{Env, Function, FunctionRef, JsObjectValue, Object, Unknown};
use napi::{sys, JsValue, ValueType};

use crate::{invalid_argument, unreadable, Thrown};

/// `JSON.stringify` and `JSON.parse`, found by name once per environment
/// and kept: the two property reads cost more than a small batch. A host
/// that replaces `JSON` later still gets the builtins it had first.
struct Builtins([FunctionRef<Unknown<'static>, Unknown<'static>>; 2]);

const STRINGIFY: usize = 0;
const PARSE: usize = 1;

/// `JSON.stringify(value)` or `JSON.parse(value)`, by `which`.
fn call<'env>(env: &'env Env, which: usize, value: Unknown<'_>) -> napi::Result<Unknown<'env>> {
    let kept = match env.get_instance_data::<Builtins>()? {
        Some(kept) => kept,
        None => {
            let json: Object = env.get_global()?.get_named_property("JSON")?;
            let find = |name| json.get_named_property::<Function<Unknown, Unknown>>(name)?.create_ref();
            env.set_instance_data(Builtins([find("stringify")?, find("parse")?]), (), |_| {})?;
            env.get_instance_data::<Builtins>()?.ok_or_else(|| napi::Error::from_reason("JSON builtins not kept"))?
        }
    };
    // SAFETY: a value of this env, handed straight to the call; the
    // argument type's `'static` is only what the kept reference's type says.
    // The `Unknown<'static>` the call gives back is narrowed to `'env` by this
    // function's signature: valid in the handle scope of the call being served.
    let value = unsafe { Unknown::from_raw_unchecked(env.raw(), value.raw()) };
    kept.0[which].borrow_back(env)?.call(value)
}

/// `JSON.stringify(value)` into `text`, reusing its allocation. `Ok(false)`
/// when the value has no JSON form (`undefined`, a function). It throws for
/// a getter or `toJSON` that throws, a cycle, a `BigInt`: refused as `field`.
pub fn stringify(env: &Env, field: &str, value: Unknown<'_>, text: &mut String) -> Result<bool, Thrown> {
    let no_text = |e: napi::Error| invalid_argument(format!("{field}: cannot be written as JSON: {}", e.reason));
    let written = call(env, STRINGIFY, value).map_err(no_text)?;
    if written.get_type().map_err(unreadable(field))? != ValueType::String {
        return Ok(false);
    }
    if !crate::read::string(env.raw(), written.raw(), text) {
        return Err(unreadable(field)(napi::Error::from_reason("JSON.stringify wrote text napi cannot read")));
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
    call(env, PARSE, string)
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
