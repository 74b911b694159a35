//! V8's own `JSON`, through napi: the only JSON reader and writer on the
//! JavaScript side of the addon (the core's serde_json reads what it writes).
//!
//! `JSON.stringify` reads a host's values with the semantics hosts know
//! (`toJSON`, members that are `undefined` left out) and writes integers as
//! integers; `JSON.parse` builds plain objects, keys in text order, several
//! times faster than setting their properties one napi call at a time
//! (measured in `pollEvents` at about 2.4x).

use napi::bindgen_prelude::{Env, Function, FunctionRef, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

use crate::{invalid_argument, unreadable, Thrown};

type Builtin = FunctionRef<Unknown<'static>, Unknown<'static>>;

const STRINGIFY: usize = 0;
const PARSE: usize = 1;
const SLICE: usize = 2;

/// `JSON.stringify`, `JSON.parse` and `Array.prototype.slice`, found by name
/// once per environment and kept: the property reads cost more than a small
/// batch, and a host that replaces one later still gets the one it had first.
fn builtins(env: &Env) -> napi::Result<&'static [Builtin; 3]> {
    if let Some(kept) = env.get_instance_data::<[Builtin; 3]>()? {
        return Ok(kept);
    }
    let global = env.get_global()?;
    let json: Object = global.get_named_property("JSON")?;
    // SAFETY: `Array` is a function, which napi's property calls take as the object it is.
    let array: Object = unsafe { global.get_named_property::<Unknown>("Array")?.cast::<Object>() }?;
    let array: Object = array.get_named_property("prototype")?;
    let find = |object: &Object, name| object.get_named_property::<Function<Unknown, Unknown>>(name)?.create_ref();
    env.set_instance_data([find(&json, "stringify")?, find(&json, "parse")?, find(&array, "slice")?], (), |_| {})?;
    Ok(env.get_instance_data()?.ok_or_else(|| napi::Error::from_reason("JSON builtins not kept"))?)
}

/// `builtin(value)`; what it throws is taken, as the error.
fn call<'env>(env: &'env Env, builtin: &Builtin, value: Unknown) -> napi::Result<Unknown<'env>> {
    // SAFETY: a value of this env, handed straight to the call; the
    // argument type's `'static` is only what the kept reference's type says.
    // The `Unknown<'static>` the call gives back is narrowed to `'env` by this
    // function's signature: valid in the handle scope of the call being served.
    let value = unsafe { Unknown::from_raw_unchecked(env.raw(), value.raw()) };
    builtin.borrow_back(env)?.call(value)
}

/// What an engine keeps for [`nulls`]: `slice` bound to an array of nulls no
/// script sees (8 bytes per null of the largest batch seen), and its length.
pub type Nulls = Option<(Builtin, usize)>;

/// The fewest nulls kept: the array grows to the largest batch seen, by powers of two.
const MIN_NULLS: usize = 64;

/// A new array of `count` nulls, one `slice` of the kept one. `JSON.parse` of
/// `[null,...]` cost a batch about twice as much (callgrind, 10k churn: 15.7M
/// against 7.9M for 3,600 calls).
pub fn nulls<'env>(env: &'env Env, kept: &mut Nulls, count: usize) -> napi::Result<Object<'env>> {
    if kept.as_ref().is_none_or(|(_, len)| *len < count) {
        let len = count.next_power_of_two().max(MIN_NULLS);
        let list = parse(env, format!("[null{}]", ",null".repeat(len - 1)).as_bytes())?;
        *kept = Some((builtins(env)?[SLICE].borrow_back(env)?.bind(list)?.create_ref()?, len));
    }
    let (slice, len) = kept.as_ref().ok_or_else(|| napi::Error::from_reason("no nulls kept"))?;
    // Every element is null: the last `count` are as good as the first.
    let start = env.create_uint32((len - count) as u32)?.to_unknown();
    // SAFETY: `slice` of an array gave an array.
    unsafe { call(env, slice, start)?.cast() }
}

/// `JSON.stringify(value)` into `text`, reusing its allocation. `Ok(false)`
/// when the value has no JSON form (`undefined`, a function). It throws for
/// a getter or `toJSON` that throws, a cycle, a `BigInt`: refused as `field`.
pub fn stringify(env: &Env, field: &str, value: Unknown<'_>, text: &mut String) -> Result<bool, Thrown> {
    let no_text = |e: napi::Error| invalid_argument(format!("{field}: cannot be written as JSON: {}", e.reason));
    let stringify = &builtins(env).map_err(unreadable(field))?[STRINGIFY];
    let written = call(env, stringify, value).map_err(no_text)?;
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
    // Latin-1 is a plain copy in V8; ASCII is the same bytes in both.
    let string = if text.is_ascii() {
        env.create_string_latin1(text)?
    } else {
        env.create_string(std::str::from_utf8(text).map_err(|e| napi::Error::from_reason(e.to_string()))?)?
    };
    call(env, &builtins(env)?[PARSE], string.to_unknown())
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
