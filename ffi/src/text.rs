//! Text as C sees it: a pointer and a length, valid UTF-8, owned by whoever
//! the function that hands it over says.

use std::ffi::c_char;
use std::ptr;

/// A view of UTF-8 text: `len` bytes at `data`, not NUL-terminated unless a
/// function says so. In what chatlife returns, chatlife owns the text, and
/// `data` is NULL (and `len` 0) when the value is absent: JSON `null`, or a
/// field the event type lacks. In a `chatlife_command`, the caller owns it
/// and `data` NULL means absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatlife_str {
    pub data: *const c_char,
    pub len: usize,
}

impl chatlife_str {
    pub(crate) const ABSENT: chatlife_str = chatlife_str { data: ptr::null(), len: 0 };
    /// An empty string whose `data[0]` is a NUL.
    pub(crate) const EMPTY: chatlife_str = chatlife_str { data: c"".as_ptr(), len: 0 };

    pub(crate) fn of(text: &str) -> chatlife_str {
        chatlife_str { data: text.as_ptr().cast(), len: text.len() }
    }

    pub(crate) fn of_option(text: Option<&str>) -> chatlife_str {
        text.map_or(chatlife_str::ABSENT, chatlife_str::of)
    }
}
