//! Ids (docs/rules.md §2): conversations, participants, agents and identities are
//! 1–256 bytes of UTF-8 without control characters.

/// Longest id or display name, in bytes (docs/rules.md §2).
pub const MAX_ID_BYTES: usize = 256;
/// Checks an id: 1–256 bytes of UTF-8 without control characters. Returns the
/// problem, for the caller to put behind the field name.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("must not be empty".into())
    } else if id.len() > MAX_ID_BYTES {
        Err(format!("is {} bytes, above the limit of {MAX_ID_BYTES}", id.len()))
    } else if has_control(id.as_bytes()) {
        Err("must not contain control characters".into())
    } else {
        Ok(())
    }
}

/// `char::is_control` over UTF-8 bytes without decoding: C0 and DEL are single
/// bytes, C1 (U+0080–U+009F) is 0xC2 followed by 0x80–0x9F.
fn has_control(bytes: &[u8]) -> bool {
    // Printable ASCII, the usual id, in one vectorizable pass.
    if bytes.iter().all(|b| (0x20..0x7F).contains(b)) {
        return false;
    }
    bytes
        .iter()
        .zip(bytes.iter().skip(1).chain([&0]))
        .any(|(&b, &next)| b < 0x20 || b == 0x7F || (b == 0xC2 && (0x80..=0x9F).contains(&next)))
}

/// Ids of conversations, participants, agents and identities, in 16 bytes: up
/// to 15 bytes live inline (no allocation, no pointer to follow when
/// comparing), longer ones behind a shared pointer. A record holds three, so
/// for ids of up to 15 bytes this is 24 bytes per chat less than a 24-byte
/// string (bench/NOTES.md, measured with 13-byte ids); ids of 16 to 23 bytes,
/// inline before, are now on the heap.
pub type Id = ecow::EcoString;

/// A display name or identity, which most conversations lack: behind a thin
/// pointer, so that a record without one spends 8 bytes on it, not 24.
pub type RareId = Option<Box<Id>>;

pub fn rare_id(text: Option<&str>) -> RareId {
    text.map(|text| Box::new(text.into()))
}

/// Hasher of the engine's id maps: fast, and randomly seeded per map. Maps are
/// never iterated into output, so the seed cannot change what the engine says.
pub type IdHasher = foldhash::quality::RandomState;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_match_char_is_control() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let id = format!("a{c}b");
            assert_eq!(has_control(id.as_bytes()), c.is_control(), "{c:?}");
        }
        assert!(check_id("x\u{85}").is_err());
        assert!(check_id("Grüße").is_ok());
    }
}
