//! `chatlife_error`: the details of a failed call, and how a failure inside
//! an exported function becomes a status and, optionally, one of these.

use std::any::Any;

use crate::status::chatlife_status;
use crate::text::chatlife_str;

/// Why a call failed: its status and a message naming the offending field
/// first (`"conversation: is 300 bytes, above the limit of 256"`).
///
/// Created by a failing call when its `error_out` is not NULL; owned by the
/// caller, who frees it with `chatlife_error_free`. Immutable: it may be read
/// and freed from any thread.
pub struct chatlife_error {
    status: chatlife_status,
    /// The message followed by one NUL, so C can also print it with `%s`.
    message_nul: Box<str>,
}

/// A failed call on its way out of the boundary.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) status: chatlife_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: chatlife_status, message: String) -> Failure {
        Failure { status, message }
    }

    pub(crate) fn null_argument(name: &str) -> Failure {
        Failure::new(chatlife_status::NullArgument, format!("{name}: must not be NULL"))
    }

    pub(crate) fn invalid_utf8(name: &str, valid_up_to: usize) -> Failure {
        Failure::new(
            chatlife_status::InvalidUtf8,
            format!("{name}: not valid UTF-8 (bad byte at offset {valid_up_to})"),
        )
    }

    pub(crate) fn invalid_argument(message: String) -> Failure {
        chatlife::Error::InvalidArgument(message).into()
    }

    /// The `chatlife_error` C receives for this failure.
    pub(crate) fn into_error(self) -> Box<chatlife_error> {
        let mut message_nul = self.message;
        message_nul.push('\0');
        Box::new(chatlife_error { status: self.status, message_nul: message_nul.into_boxed_str() })
    }

    fn from_panic(payload: Box<dyn Any + Send>) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        Failure::new(chatlife_status::Panic, format!("chatlife panicked (a bug; please report it): {what}"))
    }
}

impl From<chatlife::Error> for Failure {
    fn from(error: chatlife::Error) -> Failure {
        Failure::new(chatlife_status::of(&error), error.message().to_owned())
    }
}

/// The end of [`ffi_boundary!`]: the status to return, with the failure (if
/// any) handed to the caller through `error_out`.
pub(crate) fn settle(
    outcome: std::thread::Result<Result<(), Failure>>,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    let failure = match outcome {
        Ok(Ok(())) => return chatlife_status::Ok,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::from_panic(payload),
    };
    let status = failure.status;
    if !error_out.is_null() {
        // SAFETY: a non-NULL `error_out` points to storage for one pointer
        // (header contract); the caller now owns the error.
        unsafe { error_out.write(Box::into_raw(failure.into_error())) };
    }
    status
}

/// The status of a failed call. A NULL `error` gives
/// `CHATLIFE_STATUS_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_error_code(error: *const chatlife_error) -> chatlife_status {
    ffi_boundary!(value, chatlife_status::Panic, {
        // SAFETY: a non-NULL `error` came from this library and is not freed yet.
        unsafe { error.as_ref() }.map_or(chatlife_status::NullArgument, |e| e.status)
    })
}

/// The message of a failed call, naming the offending field first. The view
/// lives as long as `error`; `data[len]` is a NUL, so `%s` works too. A NULL
/// `error` gives an empty string.
#[no_mangle]
pub unsafe extern "C" fn chatlife_error_message(error: *const chatlife_error) -> chatlife_str {
    ffi_boundary!(value, chatlife_str::EMPTY, {
        // SAFETY: a non-NULL `error` came from this library and is not freed yet.
        match unsafe { error.as_ref() } {
            Some(e) => chatlife_str::of(&e.message_nul[..e.message_nul.len() - 1]),
            None => chatlife_str::EMPTY,
        }
    })
}

/// Frees an error. NULL is fine; freeing the same error twice is not.
#[no_mangle]
pub unsafe extern "C" fn chatlife_error_free(error: *mut chatlife_error) {
    ffi_boundary!(value, (), {
        if !error.is_null() {
            // SAFETY: a non-NULL `error` came from `Box::into_raw` in `settle`
            // and, by the caller's contract, was not freed before.
            drop(unsafe { Box::from_raw(error) });
        }
    })
}
