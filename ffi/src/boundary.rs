//! The panic boundary and the checks every C argument goes through before the
//! core sees it.

use std::ffi::c_char;
use std::ptr::NonNull;

use crate::error::Failure;

/// The one panic boundary every exported function runs inside.
///
/// `ffi_boundary!(status, error_out, { body })`: `body` returns
/// `Result<(), Failure>`; a failure (or a caught panic) becomes its status and,
/// when `error_out` is not NULL, a `chatlife_error` written there.
///
/// `ffi_boundary!(value, fallback, { body })`: for the few infallible
/// accessors; a panic returns `fallback`.
///
/// `AssertUnwindSafe` is sound here because nothing a panic may have left
/// half-done stays reachable: outputs are written last, and an engine whose
/// core call panicked is refused from then on (`chatlife_engine::core_mut`).
macro_rules! ffi_boundary {
    (status, $error_out:expr, $body:block) => {{
        let error_out: *mut *mut $crate::error::chatlife_error = $error_out;
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::error::Failure> { $body },
        ));
        $crate::error::settle(outcome, error_out)
    }};
    (value, $fallback:expr, $body:block) => {{
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)).unwrap_or_else(|_| $fallback)
    }};
}

/// A byte or string argument given as pointer + length: NULL means absent.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` bytes that stay unchanged
/// for `'a` (the header's contract for every pointer + length argument).
pub(crate) unsafe fn optional_bytes<'a>(
    name: &'static str,
    ptr: *const u8,
    len: usize,
) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid_argument(format!("{name}_len: {len} is above the largest object size")));
    }
    // SAFETY: `ptr` is non-NULL and, by the caller's contract, valid for `len`
    // bytes; `len` fits in `isize` as `from_raw_parts` requires.
    Ok(Some(unsafe { std::slice::from_raw_parts(ptr, len) }))
}

/// A required byte argument (a snapshot, an exported conversation): as
/// [`optional_bytes`], but NULL is refused. The bytes need not be UTF-8: the
/// core reads them and names what is wrong with them.
///
/// # Safety
/// As [`optional_bytes`].
pub(crate) unsafe fn bytes<'a>(name: &'static str, ptr: *const u8, len: usize) -> Result<&'a [u8], Failure> {
    // SAFETY: same contract, passed on.
    unsafe { optional_bytes(name, ptr, len) }?.ok_or_else(|| Failure::null_argument(name))
}

/// A string argument given as pointer + length: NULL means absent.
///
/// # Safety
/// As [`optional_bytes`].
pub(crate) unsafe fn optional_text<'a>(
    name: &'static str,
    ptr: *const c_char,
    len: usize,
) -> Result<Option<&'a str>, Failure> {
    // SAFETY: same contract, passed on; u8 and c_char have the same size and
    // alignment.
    let bytes = unsafe { optional_bytes(name, ptr.cast::<u8>(), len) }?;
    bytes.map(std::str::from_utf8).transpose().map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}

/// A required string argument: as [`optional_text`], but NULL is refused.
///
/// # Safety
/// As [`optional_text`].
pub(crate) unsafe fn text<'a>(name: &'static str, ptr: *const c_char, len: usize) -> Result<&'a str, Failure> {
    // SAFETY: same contract, passed on.
    unsafe { optional_text(name, ptr, len) }?.ok_or_else(|| Failure::null_argument(name))
}

/// An output (or input) pointer that must not be NULL.
pub(crate) fn required<T>(name: &'static str, ptr: *mut T) -> Result<NonNull<T>, Failure> {
    NonNull::new(ptr).ok_or_else(|| Failure::null_argument(name))
}
