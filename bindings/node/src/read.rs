//! Reading JavaScript arguments straight through napi, for the fast paths.
//!
//! Each reader answers `None` (or `false`) for anything it does not take as
//! it is: another type, a value napi cannot read, a number that is no whole
//! number of milliseconds. The caller then goes down the JSON path, which
//! gives the refusal with its code and message, so a fast path never decides
//! an error on its own. No reader runs JavaScript or leaves an exception
//! pending: strings and numbers are read without coercion.

use std::ops::Range;

use napi::sys;

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Bytes reserved for a string before its length is known: ids are short.
const FIRST_CAPACITY: usize = 64;

/// The largest UTF-8 sequence. napi never writes part of one, so a read
/// that stops closer than this to the end of the buffer may be cut short.
const MAX_UTF8_SEQUENCE: usize = 4;

/// A command's `now`, when it is one the core can take as it is.
pub fn millis(env: sys::napi_env, value: sys::napi_value) -> Option<u64> {
    let mut n = 0.0;
    // SAFETY: env and value come from the napi call being served; a value of
    // another type is reported as `napi_number_expected`, not thrown.
    let status = unsafe { sys::napi_get_value_double(env, value, &mut n) };
    (status == sys::Status::napi_ok).then(|| chatlife::now_from_number(n).ok()).flatten()
}

/// A JavaScript string into `buf`, replacing what it held, reusing its
/// allocation. `false` (and `buf` empty) when the value is not a string, or
/// holds a lone surrogate (which napi's UTF-8 would turn into U+FFFD).
pub fn string(env: sys::napi_env, value: sys::napi_value, buf: &mut String) -> bool {
    buf.clear();
    append_string(env, value, buf).is_some()
}

/// A JavaScript string added at the end of `buf`; where it went, or `None`
/// (and `buf` as it was) as from [`string`].
pub fn append_string(env: sys::napi_env, value: sys::napi_value, buf: &mut String) -> Option<Range<usize>> {
    let start = buf.len();
    let mut bytes = std::mem::take(buf).into_bytes();
    bytes.reserve(FIRST_CAPACITY);
    let read = |bytes: &mut Vec<u8>| {
        let (spare, mut len) = (bytes.capacity() - start, 0);
        // SAFETY: the buffer has `spare` writable bytes after `start`, napi
        // writes at most that many (a NUL included); a non-string is
        // `napi_string_expected`.
        let status = unsafe {
            let at = bytes.as_mut_ptr().add(start).cast();
            sys::napi_get_value_string_utf8(env, value, at, spare, &mut len)
        };
        (status == sys::Status::napi_ok).then_some((len, spare))
    };
    let mut read_all = || {
        let (len, spare) = read(&mut bytes)?;
        if len + MAX_UTF8_SEQUENCE < spare {
            return Some(len);
        }
        // Possibly cut short: ask the length, then read it all.
        let mut needed = 0;
        // SAFETY: a NULL buffer asks napi for the length only.
        let status = unsafe { sys::napi_get_value_string_utf8(env, value, std::ptr::null_mut(), 0, &mut needed) };
        (status == sys::Status::napi_ok).then_some(())?;
        bytes.reserve(needed + 1);
        read(&mut bytes).map(|(len, _)| len)
    };
    let len = read_all();
    // SAFETY: napi wrote `len` initialised bytes after `start` (not counting
    // its NUL), below the capacity it was given; without a read, the first
    // `start` bytes are what `buf` held.
    unsafe { bytes.set_len(start + len.unwrap_or(0)) };
    let end = bytes.len();
    let valid = len.is_some()
        && std::str::from_utf8(&bytes[start..])
            .is_ok_and(|text| !(text.contains(char::REPLACEMENT_CHARACTER) && lone_surrogate(env, value)));
    if !valid {
        bytes.truncate(start);
    }
    // SAFETY: `buf`'s own bytes, then (when kept) UTF-8 just checked.
    *buf = unsafe { String::from_utf8_unchecked(bytes) };
    valid.then_some(start..end)
}

/// Whether a JavaScript string holds a lone surrogate: napi's UTF-8 turns it
/// into U+FFFD, so two different ids could become one. Python refuses such a
/// `str`; so does every reader here. Asked only when the UTF-8 text holds a
/// U+FFFD, so ordinary strings pay nothing for it.
fn lone_surrogate(env: sys::napi_env, value: sys::napi_value) -> bool {
    let mut len = 0;
    // SAFETY: a NULL buffer asks napi for the length (in UTF-16 units) only.
    let status = unsafe { sys::napi_get_value_string_utf16(env, value, std::ptr::null_mut(), 0, &mut len) };
    if status != sys::Status::napi_ok {
        return false;
    }
    let mut units = vec![0u16; len + 1];
    // SAFETY: `units` has room for the `len` units and napi's NUL.
    let status = unsafe { sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), units.len(), &mut len) };
    status == sys::Status::napi_ok && char::decode_utf16(units[..len].iter().copied()).any(|c| c.is_err())
}

/// A JavaScript value's type, without running anything.
pub fn type_of(env: sys::napi_env, value: sys::napi_value) -> Option<sys::napi_valuetype> {
    let mut kind = 0;
    // SAFETY: env and value come from the napi call being served.
    let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
    (status == sys::Status::napi_ok).then_some(kind)
}

/// Whether a JavaScript value is `undefined` or `null`: an absent argument.
pub fn absent(env: sys::napi_env, value: sys::napi_value) -> bool {
    matches!(type_of(env, value), Some(sys::ValueType::napi_undefined | sys::ValueType::napi_null))
}
