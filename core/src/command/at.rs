//! A command's `at` (SC1): integer milliseconds or a duration string from
//! zero, read from a JSON value or straight from a serde source.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::time::{parse_duration, Millis, MAX_TIME};

/// Reads `at`: integer milliseconds or a duration string from zero (SC1).
pub fn parse_at(value: &Value) -> Result<Millis, String> {
    let ms = match value {
        Value::Number(n) => n.as_u64().ok_or_else(|| format!("{n} is not a whole number of milliseconds"))?,
        Value::String(s) => parse_duration(s)?,
        other => return Err(format!("{other} is neither milliseconds nor a duration string")),
    };
    checked_at(ms)
}

/// `at` in milliseconds, refused above `MAX_TIME`.
fn checked_at(ms: Millis) -> Result<Millis, String> {
    if ms > MAX_TIME {
        return Err(format!("{ms} is above {MAX_TIME}"));
    }
    Ok(ms)
}

/// `at`: integer milliseconds or a duration string from zero (SC1).
pub(super) struct At(pub(super) Millis);

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AtVisitor)
    }
}

/// Reads `at` as `parse_at` does, without building a value for the forms
/// batches carry (whole milliseconds, a duration string).
struct AtVisitor;

impl AtVisitor {
    fn parse<E: de::Error>(value: Value) -> Result<At, E> {
        parse_at(&value).map(At).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for AtVisitor {
    type Value = At;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("milliseconds or a duration string")
    }

    fn visit_u64<E: de::Error>(self, ms: u64) -> Result<At, E> {
        checked_at(ms).map(At).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, ms: i64) -> Result<At, E> {
        AtVisitor::parse(ms.into())
    }

    fn visit_f64<E: de::Error>(self, ms: f64) -> Result<At, E> {
        AtVisitor::parse(ms.into())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<At, E> {
        parse_duration(text).and_then(checked_at).map(At).map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<At, E> {
        AtVisitor::parse(flag.into())
    }

    fn visit_unit<E: de::Error>(self) -> Result<At, E> {
        AtVisitor::parse(Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<At, A::Error> {
        AtVisitor::parse(Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<At, A::Error> {
        AtVisitor::parse(Value::deserialize(de::value::MapAccessDeserializer::new(map))?)
    }
}
