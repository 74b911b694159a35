//! The four participant timers of Amazon Connect's chat timeouts (R-T1):
//! whole minutes, 2–480, per role.

use std::num::NonZeroU16;

use serde::{Deserialize, Deserializer, Serialize};

use crate::time::{Millis, MINUTE};

/// Shortest and longest participant timer, in minutes (R-T1).
pub const TIMER_MIN_MINUTES: u16 = 2;
pub const TIMER_MAX_MINUTES: u16 = 480;

/// A participant timer in whole minutes, 2–480 (R-T1). Never zero, so that
/// an `Option` of it is two bytes and `TimerSettings` eight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimerMinutes(NonZeroU16);

impl TimerMinutes {
    pub fn new(minutes: i64) -> Result<Self, String> {
        if minutes < TIMER_MIN_MINUTES as i64 {
            Err(format!("{minutes} is below {TIMER_MIN_MINUTES}"))
        } else if minutes > TIMER_MAX_MINUTES as i64 {
            Err(format!("{minutes} is above {TIMER_MAX_MINUTES}"))
        } else {
            Ok(TimerMinutes(NonZeroU16::new(minutes as u16).expect("at least TIMER_MIN_MINUTES")))
        }
    }

    pub fn minutes(self) -> u16 {
        self.0.get()
    }

    pub fn millis(self) -> Millis {
        self.0.get() as Millis * MINUTE
    }
}

impl<'de> Deserialize<'de> for TimerMinutes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let minutes =
            n.as_i64().ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number of minutes")))?;
        TimerMinutes::new(minutes).map_err(serde::de::Error::custom)
    }
}

/// The four participant timers of one conversation (R-T1); `None` is off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimerSettings {
    #[serde(default)]
    pub customer_idle: Option<TimerMinutes>,
    #[serde(default)]
    pub customer_auto_disconnect: Option<TimerMinutes>,
    #[serde(default)]
    pub agent_idle: Option<TimerMinutes>,
    #[serde(default)]
    pub agent_auto_disconnect: Option<TimerMinutes>,
}

/// The pair of timers one role has: idle runs first, then auto-disconnect (R-T5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleTimers {
    pub idle: Option<Millis>,
    pub auto_disconnect: Option<Millis>,
}

impl TimerSettings {
    pub fn customer(&self) -> RoleTimers {
        RoleTimers {
            idle: self.customer_idle.map(TimerMinutes::millis),
            auto_disconnect: self.customer_auto_disconnect.map(TimerMinutes::millis),
        }
    }

    pub fn agent(&self) -> RoleTimers {
        RoleTimers {
            idle: self.agent_idle.map(TimerMinutes::millis),
            auto_disconnect: self.agent_auto_disconnect.map(TimerMinutes::millis),
        }
    }
}
