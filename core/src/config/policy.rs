//! One named policy (docs/rules.md §8): the JSON shape, its defaults (CFG1) and the
//! resolved [`Policy`] the engine reads.

use std::sync::Arc;

use serde::{Deserialize, Deserializer};

use super::durations::{check_bounds, AutoClose, DurationText, Grace, MaxDuration, TimeLimit};
use super::inactivity::{Hold, Inactivity, RawHold, RawInactivity};
use super::timers::TimerSettings;
use super::warnings::{RawWarnings, Warnings};
use crate::time::{parse_duration, Millis, HOUR, MINUTE, SECOND};

/// How to point a reconnect link at its token (docs/rules.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStyle {
    /// `portal#reconnect=TOKEN`
    #[default]
    Fragment,
    /// `portal?oc.reconnectid=TOKEN`, Dynamics' parameter name.
    Query,
}

impl LinkStyle {
    /// Appends the token to a portal URL in this style (docs/rules.md §7).
    pub fn link(self, portal: &str, token: &str) -> String {
        match self {
            LinkStyle::Fragment => format!("{portal}#reconnect={token}"),
            LinkStyle::Query => {
                let sep = if portal.contains('?') { '&' } else { '?' };
                format!("{portal}{sep}oc.reconnectid={token}")
            }
        }
    }
}

/// How long wrap-up keeps the agent's capacity (C3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CapacityBlock {
    #[default]
    Always,
    Never,
    For(Millis),
}

impl<'de> Deserialize<'de> for CapacityBlock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = DurationText::deserialize(d)?.0;
        match text.as_str() {
            "always" => Ok(CapacityBlock::Always),
            "never" => Ok(CapacityBlock::Never),
            _ => {
                let ms = parse_duration(&text)
                    .map_err(|_| format!("{text:?} is neither \"always\", \"never\" nor a duration like \"5m\""))
                    .and_then(|ms| check_bounds(ms, 30 * SECOND, 60 * MINUTE))
                    .map_err(serde::de::Error::custom)?;
                Ok(CapacityBlock::For(ms))
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    timers: Option<TimerSettings>,
    disconnect_grace: Option<Grace>,
    agent_disconnect_grace: Option<Grace>,
    reconnect: Option<RawReconnect>,
    wrap_up: Option<RawWrapUp>,
    auto_close: Option<RawAutoClose>,
    max_duration: Option<MaxDuration>,
    capacity_units: Option<u32>,
    disconnect_flow: Option<bool>,
    messages: Option<RawMessages>,
    warnings: Option<RawWarnings>,
    inactivity: Option<RawInactivity>,
    hold: Option<RawHold>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReconnect {
    enabled: Option<bool>,
    time_limit: Option<TimeLimit>,
    portal_url: Option<String>,
    redirect_url: Option<String>,
    prompt: Option<bool>,
    link_style: Option<LinkStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrapUp {
    block_capacity: Option<CapacityBlock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAutoClose {
    open: Option<AutoClose>,
    waiting: Option<AutoClose>,
    wrap_up: Option<AutoClose>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessages {
    customer_disconnected: Option<String>,
    customer_reconnected: Option<String>,
    agent_disconnected: Option<String>,
}

/// Reconnection settings of a policy whose reconnect is enabled (docs/rules.md §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    pub time_limit: Millis,
    pub portal_url: Arc<str>,
    pub redirect_url: Option<Arc<str>>,
    pub prompt: bool,
    pub link_style: LinkStyle,
}

/// Auto-close delays per state; `None` never closes (CFG1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoCloseAfter {
    pub open: Option<Millis>,
    pub waiting: Option<Millis>,
    pub wrap_up: Option<Millis>,
}

/// Templates of the automated transcript messages (R-M1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Messages {
    pub customer_disconnected: String,
    pub customer_reconnected: String,
    pub agent_disconnected: String,
}

impl Default for Messages {
    fn default() -> Self {
        Messages {
            customer_disconnected: "{CustomerName} has disconnected.".into(),
            customer_reconnected: "{CustomerName} is back.".into(),
            agent_disconnected: "{AgentName} was disconnected. We are finding another agent.".into(),
        }
    }
}

/// One named policy, with every default filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: Arc<str>,
    pub timers: TimerSettings,
    pub disconnect_grace: Millis,
    pub agent_disconnect_grace: Millis,
    /// `None` when reconnection is off.
    pub reconnect: Option<ReconnectPolicy>,
    pub wrap_up_block: CapacityBlock,
    pub auto_close: AutoCloseAfter,
    pub max_duration: Option<Millis>,
    pub capacity_units: u32,
    pub disconnect_flow: bool,
    pub messages: Messages,
    pub warnings: Warnings,
    /// `None` when off.
    pub inactivity: Option<Inactivity>,
    /// `None` when hold is not enabled.
    pub hold: Option<Hold>,
}

/// The default grace for a lost connection, customer or agent (R-D1).
pub const DEFAULT_GRACE: Millis = 3 * MINUTE;
/// The default reconnect time limit (docs/rules.md §7).
pub const DEFAULT_TIME_LIMIT: Millis = 10 * MINUTE;
/// How long a closed conversation is remembered by default (S1).
pub const DEFAULT_RETAIN_CLOSED: Millis = HOUR;
/// The largest `capacity_units` a policy may ask for.
pub const MAX_CAPACITY_UNITS: u32 = 1_000;

impl Policy {
    fn defaults(name: &str) -> Policy {
        Policy {
            name: name.into(),
            timers: TimerSettings::default(),
            disconnect_grace: DEFAULT_GRACE,
            agent_disconnect_grace: DEFAULT_GRACE,
            reconnect: None,
            wrap_up_block: CapacityBlock::Always,
            auto_close: AutoCloseAfter::default(),
            max_duration: None,
            capacity_units: 1,
            disconnect_flow: false,
            messages: Messages::default(),
            warnings: Warnings::default(),
            inactivity: None,
            hold: None,
        }
    }

    pub(crate) fn resolve(name: &str, raw: RawPolicy) -> Result<Policy, String> {
        let mut p = Policy::defaults(name);
        let at = |field: &str| format!("policies.{name}.{field}");
        if let Some(t) = raw.timers {
            p.timers = t;
        }
        p.disconnect_grace = raw.disconnect_grace.map_or(p.disconnect_grace, |b| b.0);
        p.agent_disconnect_grace = raw.agent_disconnect_grace.map_or(p.agent_disconnect_grace, |b| b.0);
        if let Some(r) = raw.reconnect {
            if r.enabled.unwrap_or(false) {
                let portal_url = r
                    .portal_url
                    .filter(|u| !u.trim().is_empty())
                    .ok_or_else(|| format!("{}: required when reconnect is enabled", at("reconnect.portal_url")))?;
                p.reconnect = Some(ReconnectPolicy {
                    time_limit: r.time_limit.map_or(DEFAULT_TIME_LIMIT, |b| b.0),
                    portal_url: portal_url.into(),
                    redirect_url: r.redirect_url.filter(|u| !u.is_empty()).map(Into::into),
                    prompt: r.prompt.unwrap_or(true),
                    link_style: r.link_style.unwrap_or_default(),
                });
            }
        }
        if let Some(w) = raw.wrap_up {
            p.wrap_up_block = w.block_capacity.unwrap_or_default();
        }
        if let Some(a) = raw.auto_close {
            p.auto_close = AutoCloseAfter {
                open: a.open.map(|b| b.0),
                waiting: a.waiting.map(|b| b.0),
                wrap_up: a.wrap_up.map(|b| b.0),
            };
        }
        p.max_duration = raw.max_duration.map(|b| b.0);
        if let Some(units) = raw.capacity_units {
            if !(1..=MAX_CAPACITY_UNITS).contains(&units) {
                return Err(format!("{}: {units} is outside 1..={MAX_CAPACITY_UNITS}", at("capacity_units")));
            }
            p.capacity_units = units;
        }
        p.disconnect_flow = raw.disconnect_flow.unwrap_or(false);
        if let Some(m) = raw.messages {
            let d = Messages::default();
            p.messages = Messages {
                customer_disconnected: m.customer_disconnected.unwrap_or(d.customer_disconnected),
                customer_reconnected: m.customer_reconnected.unwrap_or(d.customer_reconnected),
                agent_disconnected: m.agent_disconnected.unwrap_or(d.agent_disconnected),
            };
        }
        if let Some(w) = raw.warnings {
            p.warnings = Warnings::resolve(w, &at("warnings"))?;
        }
        p.inactivity = raw.inactivity.map(Inactivity::from);
        p.hold = raw.hold.and_then(Hold::resolve);
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_styles() {
        assert_eq!(LinkStyle::Fragment.link("https://p/chat", "T"), "https://p/chat#reconnect=T");
        assert_eq!(LinkStyle::Query.link("https://p/chat", "T"), "https://p/chat?oc.reconnectid=T");
        assert_eq!(LinkStyle::Query.link("https://p/c?a=1", "T"), "https://p/c?a=1&oc.reconnectid=T");
    }
}
