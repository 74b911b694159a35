//! `inactivity` (§13) and `hold` (§14): the two conversation timers of v2.

use serde::Deserialize;

use super::durations::{AutoClose, InactivityAfter};
use crate::time::{format_duration, Millis};

/// What a conversation becomes when nobody wrote for `after` (I2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InactivityAction {
    #[default]
    WrapUp,
    Requeue,
}

/// When the inactivity timer counts (I1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InactivityWhile {
    /// From becoming active, reset by every customer, agent or bot message.
    #[default]
    Silent,
    /// Only from an agent's or bot's message the customer has not answered.
    CustomerOwesReply,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInactivity {
    after: InactivityAfter,
    action: Option<InactivityAction>,
    #[serde(rename = "while")]
    while_: Option<InactivityWhile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inactivity {
    pub after: Millis,
    pub action: InactivityAction,
    pub while_: InactivityWhile,
}

impl From<RawInactivity> for Inactivity {
    fn from(raw: RawInactivity) -> Inactivity {
        Inactivity {
            after: raw.after.0,
            action: raw.action.unwrap_or_default(),
            while_: raw.while_.unwrap_or_default(),
        }
    }
}

impl Inactivity {
    pub(crate) fn to_value(self) -> serde_json::Value {
        let action = match self.action {
            InactivityAction::WrapUp => "wrap_up",
            InactivityAction::Requeue => "requeue",
        };
        let while_ = match self.while_ {
            InactivityWhile::Silent => "silent",
            InactivityWhile::CustomerOwesReply => "customer_owes_reply",
        };
        serde_json::json!({"after": format_duration(self.after), "action": action, "while": while_})
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHold {
    enabled: Option<bool>,
    release_capacity: Option<bool>,
    auto_close: Option<AutoClose>,
    on_customer_inactive: Option<bool>,
}

/// Hold settings of a policy whose hold is enabled (§14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub release_capacity: bool,
    pub auto_close: Option<Millis>,
    pub on_customer_inactive: bool,
}

impl Hold {
    /// `None` when hold is not enabled.
    pub(crate) fn resolve(raw: RawHold) -> Option<Hold> {
        raw.enabled.unwrap_or(false).then(|| Hold {
            release_capacity: raw.release_capacity.unwrap_or(true),
            auto_close: raw.auto_close.map(|b| b.0),
            on_customer_inactive: raw.on_customer_inactive.unwrap_or(false),
        })
    }

    pub(crate) fn to_value(self) -> serde_json::Value {
        let mut v = serde_json::json!({"enabled": true, "release_capacity": self.release_capacity,
                                       "on_customer_inactive": self.on_customer_inactive});
        if let Some(d) = self.auto_close {
            v["auto_close"] = format_duration(d).into();
        }
        v
    }
}
