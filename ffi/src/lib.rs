//! The C ABI of chatlife: `include/chatlife.h` over `libchatlife.so` and
//! `libchatlife.a`. Nothing here decides anything about chats: every function
//! checks and converts its C arguments, calls the core, and converts back.
//!
//! The header's preamble (written once, in `cbindgen.toml`) is the contract
//! these functions keep; the rules it states are enforced here:
//! - every exported function runs inside [`ffi_boundary!`], so a panic comes
//!   back as `CHATLIFE_STATUS_PANIC` instead of unwinding into C;
//! - every pointer argument is checked for NULL before it is read;
//! - outputs are written last, only once nothing can fail any more.

// The C names are the API (`chatlife_engine`, `CHATLIFE_STATUS_OK`), and the
// header's preamble states the safety contract of every function once instead
// of a `# Safety` section per function.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

/// Fails to compile unless `table`, a C enum's values in the order the core
/// lists its own (`core`), has one value per core item, each numbered
/// `first` plus its index: the numbers C sees follow the core's lists. With
/// `enum`, the C enum's numbers (`strum::FromRepr`) are exactly `first` plus
/// each index of `core`, none missing and none more.
macro_rules! numbered_as_core {
    ($table:expr, $first:expr, $core:expr) => {
        const _: () = {
            assert!($table.len() == $core.len());
            let mut i = 0;
            while i < $table.len() {
                assert!($table[i] as usize == $first + i);
                i += 1;
            }
        };
    };
    (enum $c_enum:ident, $first:expr, $core:expr) => {
        const _: () = {
            let mut i = 0;
            while i <= $core.len() {
                assert!($c_enum::from_repr(($first + i) as u32).is_some() == (i < $core.len()));
                i += 1;
            }
        };
    };
}

#[macro_use]
mod boundary;
#[macro_use]
mod args;
mod batch;
mod engine;
mod error;
mod event;
mod poll;
mod snapshot;
mod status;
#[cfg(feature = "test-panic")]
mod testing;
mod text;

use std::ffi::c_char;

pub use batch::*;
pub use engine::*;
pub use error::*;
pub use event::*;
pub use poll::*;
pub use snapshot::*;
pub use status::*;
#[cfg(feature = "test-panic")]
pub use testing::*;
pub use text::*;

/// Major version of this library; also in `CHATLIFE_VERSION_NUMBER`.
pub const CHATLIFE_VERSION_MAJOR: u32 = 0;
/// Minor version of this library.
pub const CHATLIFE_VERSION_MINOR: u32 = 1;
/// Patch version of this library.
pub const CHATLIFE_VERSION_PATCH: u32 = 0;
/// The version packed as `0xMMmmpp` (major, minor, patch one byte each), so
/// `#if CHATLIFE_VERSION_NUMBER >= 0x000100` tests for 0.1.0 or later.
pub const CHATLIFE_VERSION_NUMBER: u32 =
    (CHATLIFE_VERSION_MAJOR << 16) | (CHATLIFE_VERSION_MINOR << 8) | CHATLIFE_VERSION_PATCH;

// cbindgen can only copy literals into the header, so the numbers above are
// written out; these checks make a version bump in Cargo.toml that forgets
// them fail to compile.
const fn parse_u32(digits: &str) -> u32 {
    let bytes = digits.as_bytes();
    let mut value = 0;
    let mut i = 0;
    while i < bytes.len() {
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}
const _: () = assert!(CHATLIFE_VERSION_MAJOR == parse_u32(env!("CARGO_PKG_VERSION_MAJOR")));
const _: () = assert!(CHATLIFE_VERSION_MINOR == parse_u32(env!("CARGO_PKG_VERSION_MINOR")));
const _: () = assert!(CHATLIFE_VERSION_PATCH == parse_u32(env!("CARGO_PKG_VERSION_PATCH")));
const _: () = assert!(CHATLIFE_VERSION_MINOR < 256 && CHATLIFE_VERSION_PATCH < 256);

/// The version of the library actually linked, as `"MAJOR.MINOR.PATCH"`
/// (NUL-terminated, static). Compare it with the `CHATLIFE_VERSION_*` macros
/// of the header you compiled against.
#[no_mangle]
pub extern "C" fn chatlife_version() -> *const c_char {
    ffi_boundary!(value, c"".as_ptr(), { concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_string_matches_the_numbers() {
        // SAFETY: chatlife_version returns a static NUL-terminated string.
        let text = unsafe { std::ffi::CStr::from_ptr(chatlife_version()) }.to_str().unwrap();
        let expected = format!("{CHATLIFE_VERSION_MAJOR}.{CHATLIFE_VERSION_MINOR}.{CHATLIFE_VERSION_PATCH}");
        assert_eq!(text, expected);
        assert_eq!(CHATLIFE_VERSION_NUMBER >> 16, CHATLIFE_VERSION_MAJOR);
    }
}
