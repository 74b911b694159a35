//! Reconnect tokens (R-RC7, R-RC8): `crl1_` + base64url(conversation id) + `_` +
//! base64url(32 random bytes), no padding. The engine stores only the SHA-256
//! digest of the random part and compares digests in constant time, so neither
//! a memory dump nor a timing probe yields a usable link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;

pub const TOKEN_PREFIX: &str = "crl1_";
pub const SECRET_BYTES: usize = 32;
/// Length of the secret in base64url without padding.
const SECRET_TEXT_LEN: usize = 43;
/// Most links one conversation may have outstanding at once.
pub const MAX_TOKENS: usize = 16;
/// Most link records (outstanding, used or revoked) one conversation keeps.
pub const MAX_TOKEN_RECORDS: usize = 4 * MAX_TOKENS;

/// Where a token's secret comes from: the OS, or a seeded ChaCha20 stream for
/// reproducible tests and scenarios (R-RC8).
#[derive(Clone)]
pub enum TokenSource {
    Os,
    Seeded(Box<ChaCha20Rng>),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The stream state would let a reader predict every later token.
        f.write_str(match self {
            TokenSource::Os => "TokenSource::Os",
            TokenSource::Seeded(_) => "TokenSource::Seeded(<redacted>)",
        })
    }
}

impl TokenSource {
    pub fn new(seed: Option<u64>) -> TokenSource {
        match seed {
            Some(seed) => TokenSource::Seeded(Box::new(ChaCha20Rng::seed_from_u64(seed))),
            None => TokenSource::Os,
        }
    }

    /// The seeded stream's position, for snapshots; `None` for the OS source.
    pub fn saved(&self) -> Option<SavedStream> {
        match self {
            TokenSource::Os => None,
            TokenSource::Seeded(rng) => {
                Some(SavedStream { seed: rng.get_seed(), stream: rng.get_stream(), word_pos: rng.get_word_pos() })
            }
        }
    }

    pub fn from_saved(saved: Option<&SavedStream>) -> TokenSource {
        match saved {
            None => TokenSource::Os,
            Some(s) => {
                let mut rng = ChaCha20Rng::from_seed(s.seed);
                rng.set_stream(s.stream);
                rng.set_word_pos(s.word_pos);
                TokenSource::Seeded(Box::new(rng))
            }
        }
    }

    /// A fresh secret, in two steps so that a command can be refused before
    /// anything changed (E1): `prepare` (which changes nothing) draws from the
    /// OS, the only source that can fail; `take` hands that secret over or,
    /// for the seeded stream, which cannot fail, advances the stream.
    pub fn prepare(&self) -> Result<Option<[u8; SECRET_BYTES]>, Error> {
        match self {
            TokenSource::Os => {
                let mut secret = [0u8; SECRET_BYTES];
                getrandom::fill(&mut secret)
                    .map_err(|e| Error::InvalidState(format!("randomness: the OS source failed: {e}")))?;
                Ok(Some(secret))
            }
            TokenSource::Seeded(_) => Ok(None),
        }
    }

    pub fn take(&mut self, prepared: Option<[u8; SECRET_BYTES]>) -> [u8; SECRET_BYTES] {
        match (self, prepared) {
            (TokenSource::Seeded(rng), _) => {
                let mut secret = [0u8; SECRET_BYTES];
                rng.fill_bytes(&mut secret);
                secret
            }
            (TokenSource::Os, Some(secret)) => secret,
            (TokenSource::Os, None) => unreachable!("prepare gives the OS source its secret"),
        }
    }

    #[cfg(test)]
    fn secret(&mut self) -> Result<[u8; SECRET_BYTES], Error> {
        let prepared = self.prepare()?;
        Ok(self.take(prepared))
    }
}

/// Where a seeded token stream stands: enough to continue it exactly.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedStream {
    #[serde(with = "digest_base64")]
    seed: [u8; 32],
    stream: u64,
    word_pos: u128,
}

/// What became of an issued link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Outstanding,
    Consumed,
    Revoked,
}

/// One issued link, remembered by the digest of its secret only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRecord {
    #[serde(with = "digest_base64")]
    pub digest: [u8; 32],
    pub status: TokenStatus,
}

/// Digests travel in snapshots as base64url text rather than 32 numbers.
mod digest_base64 {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&URL_SAFE_NO_PAD.encode(digest))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(serde::de::Error::custom)?;
        bytes.try_into().map_err(|_| serde::de::Error::custom("a digest is 32 bytes"))
    }
}

pub fn digest(secret: &[u8]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

/// Builds the token string for a conversation and a secret.
pub fn encode_token(conversation: &str, secret: &[u8; SECRET_BYTES]) -> String {
    format!("{TOKEN_PREFIX}{}_{}", URL_SAFE_NO_PAD.encode(conversation.as_bytes()), URL_SAFE_NO_PAD.encode(secret))
}

/// Splits a token into its conversation id and secret; `Err` names the problem.
pub fn decode_token(token: &str) -> Result<(String, Vec<u8>), String> {
    let rest = token.strip_prefix(TOKEN_PREFIX).ok_or("does not start with crl1_")?;
    // base64url may itself hold '_', in the id part and in the secret; the
    // secret has a fixed length, so the separator is found from the end.
    let split = rest.len().checked_sub(SECRET_TEXT_LEN + 1).ok_or("secret part is not 32 bytes")?;
    if !rest.is_char_boundary(split) || rest.as_bytes()[split] != b'_' {
        return Err("has no secret part of 32 bytes after a '_'".into());
    }
    let (conv, secret) = (&rest[..split], &rest[split + 1..]);
    let conv = URL_SAFE_NO_PAD.decode(conv).map_err(|_| "conversation part is not base64url")?;
    let conv = String::from_utf8(conv).map_err(|_| "conversation part is not UTF-8")?;
    let secret = URL_SAFE_NO_PAD.decode(secret).map_err(|_| "secret part is not base64url")?;
    if secret.len() != SECRET_BYTES {
        return Err("secret part is not 32 bytes".into());
    }
    Ok((conv, secret))
}

/// Index of the record whose digest equals `digest`. Every record is compared,
/// in constant time, so timing does not tell how many links exist or which matched.
pub fn find(records: &[TokenRecord], digest: &[u8; 32]) -> Option<usize> {
    let mut found = None;
    for (i, r) in records.iter().enumerate() {
        if bool::from(r.digest.ct_eq(digest)) {
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_digest_match() {
        let mut src = TokenSource::new(Some(7));
        let secret = src.secret().unwrap();
        let token = encode_token("c/1 ü", &secret);
        assert!(token.starts_with("crl1_"));
        let (conv, back) = decode_token(&token).unwrap();
        assert_eq!(conv, "c/1 ü");
        let records = vec![TokenRecord { digest: digest(&secret), status: TokenStatus::Outstanding }];
        assert_eq!(find(&records, &digest(&back)), Some(0));
        let mut flipped = back.clone();
        flipped[0] ^= 1;
        assert_eq!(find(&records, &digest(&flipped)), None);
    }

    #[test]
    fn seeded_is_reproducible_and_os_is_not() {
        let a = TokenSource::new(Some(1)).secret().unwrap();
        let b = TokenSource::new(Some(1)).secret().unwrap();
        assert_eq!(a, b);
        assert_ne!(TokenSource::new(None).secret().unwrap(), TokenSource::new(None).secret().unwrap());
    }

    #[test]
    fn ids_whose_base64_holds_an_underscore_round_trip() {
        // "ab?" encodes to "YWI_": the separator must be found from the end.
        for id in ["ab?", "1п", "x\u{7f}y", "_"] {
            let secret = [0xFFu8; SECRET_BYTES];
            let (conv, back) = decode_token(&encode_token(id, &secret)).unwrap();
            assert_eq!((conv.as_str(), back.as_slice()), (id, &secret[..]));
        }
    }

    #[test]
    fn malformed_tokens_are_named() {
        assert!(decode_token("xx").is_err());
        assert!(decode_token("crl1_YQ").is_err());
        assert!(decode_token("crl1_YQ_AAAA").unwrap_err().contains("32 bytes"));
    }

    #[test]
    fn a_million_tokens_without_a_collision() {
        let mut source = TokenSource::new(None);
        let mut seen = std::collections::HashSet::with_capacity(1_000_000);
        for _ in 0..1_000_000 {
            assert!(seen.insert(source.secret().unwrap()), "two secrets collided");
        }
    }

    #[test]
    fn debug_never_shows_the_seeded_stream() {
        assert_eq!(format!("{:?}", TokenSource::new(Some(1))), "TokenSource::Seeded(<redacted>)");
    }
}
