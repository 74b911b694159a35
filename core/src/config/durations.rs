//! Durations in configuration (T6): strings with units, each checked against
//! its range while parsing so the error carries the JSON path of the field.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::time::{format_duration, parse_duration, Millis, DAY, HOUR, MINUTE, SECOND};

/// A duration string checked against `[MIN, MAX]` milliseconds while parsing, so
/// the error carries the JSON path of the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounded<const MIN: u64, const MAX: u64>(pub(crate) Millis);

pub(crate) fn check_bounds(ms: Millis, min: Millis, max: Millis) -> Result<Millis, String> {
    if ms < min {
        Err(format!("{} is below {}", format_duration(ms), format_duration(min)))
    } else if ms > max {
        Err(format!("{} is above {}", format_duration(ms), format_duration(max)))
    } else {
        Ok(ms)
    }
}

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = DurationText::deserialize(d)?.0;
        let ms = parse_duration(&text).map_err(serde::de::Error::custom)?;
        check_bounds(ms, MIN, MAX).map(Bounded).map_err(serde::de::Error::custom)
    }
}

/// Accepts only a string, with a message that says a unit is needed.
pub(crate) struct DurationText(pub(crate) String);

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DurationText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string with a unit, like \"90s\" or \"3m\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DurationText, E> {
                Ok(DurationText(v.to_owned()))
            }
        }
        d.deserialize_str(V)
    }
}

// Ranges of docs/rules.md §6–§8; where the SPEC gives none, docs/decisions.md explains ours.
pub(crate) type Grace = Bounded<{ 10 * SECOND }, HOUR>;
pub(crate) type TimeLimit = Bounded<MINUTE, { 24 * HOUR }>;
pub(crate) type AutoClose = Bounded<MINUTE, { 7 * DAY }>;
pub(crate) type MaxDuration = Bounded<HOUR, { 7 * DAY }>;
pub(crate) type Retain = Bounded<0, { 7 * DAY }>;
pub(crate) type WarningLead = Bounded<{ 10 * SECOND }, HOUR>;
pub(crate) type InactivityAfter = Bounded<MINUTE, { 7 * DAY }>;
