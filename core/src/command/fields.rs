//! The fields of a command's JSON object, read in one pass whatever the order
//! of its keys (`op` may come last), then taken by the command `op` names.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::at::At;
use crate::config::TimerSettings;
use crate::error::Error;
use crate::text::{SecretText, Text};
use crate::vocab::{Role, WaitFor};

/// One field: not in the object, `null`, or a value.
#[derive(Default)]
pub(super) enum Slot<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Slot<T> {
    pub(super) fn required(self, key: &str) -> Result<T, Error> {
        match self {
            Slot::Value(v) => Ok(v),
            Slot::Absent => Err(Error::InvalidArgument(format!("{key}: missing"))),
            Slot::Null => Err(Error::InvalidArgument(format!("{key}: must not be null"))),
        }
    }

    pub(super) fn optional(self) -> Option<T> {
        match self {
            Slot::Value(v) => Some(v),
            Slot::Absent | Slot::Null => None,
        }
    }

    pub(super) fn nullable(self, key: &str) -> Result<Option<T>, Error> {
        match self {
            Slot::Value(v) => Ok(Some(v)),
            Slot::Null => Ok(None),
            Slot::Absent => Err(Error::InvalidArgument(format!("{key}: missing (null is allowed)"))),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(|v| v.map_or(Slot::Null, Slot::Value))
    }
}

/// The JSON key of a command field: its name, except `wait_for`, which is
/// `for` (a Rust keyword).
pub const fn json_key(field: &'static str) -> &'static str {
    match field.as_bytes() {
        b"wait_for" => "for",
        _ => field,
    }
}

/// Declares [`Fields`]: every key any command has, its type, and the bit that
/// says it was present.
macro_rules! fields {
    ($( $field:ident = $key:literal : $ty:ty ),* $(,)?) => {
        /// Every field any command has, as read from one JSON object.
        #[derive(Default)]
        pub(super) struct Fields<'a> {
            $( pub(super) $field: Slot<$ty>, )*
            /// Bit `i` is set when the `i`th key of `KEYS` was in the object.
            present: u32,
            /// The first key that is no command's field.
            unknown: Option<String>,
        }

        pub(super) const KEYS: &[&str] = &[$($key),*];
        // `present` has one bit per key.
        const _: () = assert!(KEYS.len() <= u32::BITS as usize);

        impl<'de> Visitor<'de> for Fill<'_, 'de> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
                let fields = self.0;
                while let Some(index) = map.next_key_seed(KeySeed(&mut fields.unknown))? {
                    if index == UNKNOWN {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    if fields.present & (1 << index) != 0 {
                        return Err(de::Error::custom(format_args!("{}: given twice", KEYS[index])));
                    }
                    fields.present |= 1 << index;
                    let mut i = 0;
                    $(
                        if i == index {
                            fields.$field = map.next_value()?;
                        }
                        i += 1;
                    )*
                    let _ = i;
                }
                Ok(())
            }
        }
    };
}

fields! {
    op = "op": Text<'a>,
    at = "at": At,
    conversation = "conversation": Text<'a>,
    participant = "participant": Text<'a>,
    customer = "customer": Text<'a>,
    policy = "policy": Text<'a>,
    authenticated_as = "authenticated_as": Text<'a>,
    display_name = "display_name": Text<'a>,
    agent = "agent": Text<'a>,
    token = "token": SecretText<'a>,
    role = "role": Role,
    wait_for = "for": WaitFor,
    timers = "timers": TimerSettings,
    request = "request": serde_json::Value,
    capacity = "capacity": u32,
}

/// What [`KeySeed`] gives for a key that is no command's field. A marker,
/// not `Option<usize>`: that cost 2.7M more instructions per 100k batch
/// commands (callgrind), most of what dropping the key's `String` saved.
const UNKNOWN: usize = usize::MAX;

/// Reads a key of a command object as the position of a known key in `KEYS`,
/// or [`UNKNOWN`]. A known key is matched without being copied; only the
/// first unknown name is, for the refusal.
struct KeySeed<'f>(&'f mut Option<String>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(KEYS.iter().position(|k| *k == key).unwrap_or_else(|| {
            self.0.get_or_insert_with(|| key.to_owned());
            UNKNOWN
        }))
    }
}

/// Reads one object's fields into a `Fields` in place: it is too big to be
/// moved out of every level of a read (that showed in batches).
pub(super) struct Fill<'f, 'de>(pub(super) &'f mut Fields<'de>);

impl<'de> de::DeserializeSeed<'de> for Fill<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut fields = Fields::default();
        d.deserialize_map(Fill(&mut fields))?;
        Ok(fields)
    }
}

/// The bits of `keys` in `Fields::present`, for a command's fields: computed
/// at compile time, so checking a command's keys is one mask.
pub(super) const fn mask(keys: &[&str]) -> u32 {
    let mut mask = 0;
    let mut k = 0;
    while k < keys.len() {
        mask |= 1 << key_index(keys[k]);
        k += 1;
    }
    mask
}

/// The position of `key` in `KEYS`, at compile time (an unknown key fails the build).
pub(super) const fn key_index(key: &str) -> usize {
    let mut i = 0;
    while !eq(KEYS[i].as_bytes(), key.as_bytes()) {
        i += 1;
    }
    i
}

/// `op` and `at`, which every command may have.
const OP_AT: u32 = mask(&["op", "at"]);

const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Fields<'_> {
    /// Refuses any key present beyond `op`, `at` and the keys `op` takes
    /// (`takes`, whose bits are `allowed`).
    pub(super) fn only(&self, op: &str, allowed: u32, takes: &[&str]) -> Result<(), Error> {
        if self.present & !(allowed | OP_AT) == 0 && self.unknown.is_none() {
            return Ok(());
        }
        let extra = KEYS
            .iter()
            .enumerate()
            .find(|&(i, k)| self.present & (1 << i) != 0 && !matches!(*k, "op" | "at") && !takes.contains(k))
            .map(|(_, k)| *k)
            .or(self.unknown.as_deref());
        let Some(extra) = extra else { return Ok(()) };
        let expected = if takes.is_empty() {
            "it takes no field".to_owned()
        } else {
            format!("expected one of {}", takes.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        };
        Err(Error::InvalidArgument(format!("{extra}: not a field of {op}; {expected}")))
    }

    /// Ready for the next object once a command was made from these fields:
    /// it took every slot that held a value (`only` refused any other key),
    /// so only the bits of the keys seen are left to clear.
    pub(super) fn taken(&mut self) {
        debug_assert!(self.unknown.is_none());
        self.present = 0;
    }

    /// Whether `at` was given.
    pub(super) fn has_at(&self) -> bool {
        !matches!(self.at, Slot::Absent)
    }
}

/// A field as it is once the command no longer borrows.
pub(super) trait Own {
    type Owned;
    fn own(self) -> Self::Owned;
}

impl Own for Text<'_> {
    type Owned = Text<'static>;
    fn own(self) -> Text<'static> {
        self.into_owned()
    }
}

impl Own for SecretText<'_> {
    type Owned = SecretText<'static>;
    fn own(self) -> SecretText<'static> {
        self.into_owned()
    }
}

impl<T: Own> Own for Option<T> {
    type Owned = Option<T::Owned>;
    fn own(self) -> Option<T::Owned> {
        self.map(Own::own)
    }
}

macro_rules! owned_as_is {
    ($($ty:ty),*) => { $( impl Own for $ty { type Owned = $ty; fn own(self) -> $ty { self } } )* };
}
owned_as_is!(Role, WaitFor, TimerSettings, serde_json::Value, u32);
