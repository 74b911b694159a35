//! `chatlife_status`: what every fallible function returns.

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

/// What a call did. Every value is a fixed number that is never reused for
/// another meaning: new statuses get new numbers. 0–99 belong to this C
/// binding; 100 and up are the error codes of the engine (docs/rules.md E1), numbered
/// in the order of their list, which only ever grows at its end.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::FromRepr)]
pub enum chatlife_status {
    /// Success: outputs are written, `*error_out` is left untouched.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// chatlife panicked (a bug in chatlife). The panic was caught; an engine
    /// it happened in refuses every later call except `chatlife_engine_free`.
    Panic = 3,
    /// `chatlife_event_to_json` was called with no polled event to show.
    NoEvent = 4,
    /// An argument is malformed: wrong shape, empty id, unknown value.
    InvalidArgument = 100,
    /// The configuration breaks a rule (docs/rules.md §8).
    InvalidConfig = 101,
    /// No conversation has this id (or it has been forgotten).
    UnknownConversation = 102,
    /// A conversation with this id already exists.
    DuplicateConversation = 103,
    /// The participant is not in the conversation.
    UnknownParticipant = 104,
    /// The participant is already in the conversation.
    DuplicateParticipant = 105,
    /// The command is not allowed in the conversation's state.
    InvalidState = 106,
    /// The agent's capacity would be exceeded (docs/rules.md C2).
    CapacityExceeded = 107,
    /// `now` is before the engine's time (docs/rules.md T2).
    TimeWentBackwards = 108,
    /// A size or count limit was reached: an id over 256 bytes, too many links.
    LimitExceeded = 109,
}

impl chatlife_status {
    const FIRST_CORE_CODE: u32 = chatlife_status::InvalidArgument as u32;

    /// The status of a core error.
    pub(crate) fn of(error: &chatlife::Error) -> chatlife_status {
        chatlife_status::from_repr(Self::FIRST_CORE_CODE + error.code_index() as u32).expect("numbered as the core")
    }

    fn name(status: u32) -> &'static CStr {
        const BINDING: [&CStr; 5] = [c"ok", c"null_argument", c"invalid_utf8", c"panic", c"no_event"];
        // The core's code strings, made NUL-terminated once and kept for the
        // life of the process so the pointers handed out stay valid.
        static CORE: OnceLock<Vec<CString>> = OnceLock::new();
        let core = CORE.get_or_init(|| {
            chatlife::ERROR_CODES.iter().map(|code| CString::new(*code).expect("codes hold no NUL")).collect()
        });
        let found = if status >= Self::FIRST_CORE_CODE {
            core.get((status - Self::FIRST_CORE_CODE) as usize).map(CString::as_c_str)
        } else {
            BINDING.get(status as usize).copied()
        };
        found.unwrap_or(c"unknown_status")
    }
}

/// The stable snake_case name of a status (NUL-terminated, static; never
/// free it). For engine errors it is the docs/rules.md E1 code, the same string every
/// language reports: `chatlife_status_str(CHATLIFE_STATUS_INVALID_STATE)` is
/// `"invalid_state"`. Any other number gives `"unknown_status"`.
///
/// `status` is a `uint32_t` so that any number a host passes is safe to ask
/// about.
#[no_mangle]
pub extern "C" fn chatlife_status_str(status: u32) -> *const c_char {
    ffi_boundary!(value, c"unknown_status".as_ptr(), { chatlife_status::name(status).as_ptr() })
}

// So a new core error code cannot ship without its own status number.
numbered_as_core!(enum chatlife_status, 100, chatlife::ERROR_CODES);

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn name(status: u32) -> &'static str {
        // SAFETY: chatlife_status_str always returns a static C string.
        unsafe { CStr::from_ptr(chatlife_status_str(status)) }.to_str().unwrap()
    }

    #[test]
    fn core_codes_keep_their_numbers_and_names() {
        for (i, code) in chatlife::ERROR_CODES.iter().enumerate() {
            assert_eq!(name(100 + i as u32), *code, "status {}", 100 + i);
        }
        let error = chatlife::Error::LimitExceeded(String::new());
        assert_eq!(name(chatlife_status::of(&error) as u32), error.code());
    }

    #[test]
    fn binding_statuses_and_unknown_numbers() {
        assert_eq!(name(chatlife_status::Ok as u32), "ok");
        assert_eq!(name(chatlife_status::NullArgument as u32), "null_argument");
        assert_eq!(name(chatlife_status::InvalidUtf8 as u32), "invalid_utf8");
        assert_eq!(name(chatlife_status::Panic as u32), "panic");
        assert_eq!(name(chatlife_status::NoEvent as u32), "no_event");
        for unknown in [5, 99, 110, u32::MAX] {
            assert_eq!(name(unknown), "unknown_status");
        }
    }
}
