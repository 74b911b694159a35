//! Configuration (SPEC §8): the JSON the host gives `Engine::new`, parsed with
//! unknown fields refused and every problem reported as `json.path: problem`,
//! and resolved into the [`Config`]/[`Policy`] the engine reads. Also the Amazon
//! Connect `UpdateParticipantRoleConfig` request body (CFG4).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{path_message, Error};
use crate::time::{format_duration, parse_duration, Millis, DAY, HOUR, MINUTE, SECOND};

/// Shortest and longest participant timer, in minutes (R-T1).
pub const TIMER_MIN_MINUTES: u16 = 2;
pub const TIMER_MAX_MINUTES: u16 = 480;

/// A participant timer in whole minutes, 2–480 (R-T1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimerMinutes(u16);

impl TimerMinutes {
    pub fn new(minutes: i64) -> Result<Self, String> {
        if minutes < TIMER_MIN_MINUTES as i64 {
            Err(format!("{minutes} is below {TIMER_MIN_MINUTES}"))
        } else if minutes > TIMER_MAX_MINUTES as i64 {
            Err(format!("{minutes} is above {TIMER_MAX_MINUTES}"))
        } else {
            Ok(TimerMinutes(minutes as u16))
        }
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn millis(self) -> Millis {
        self.0 as Millis * MINUTE
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

/// A duration string checked against `[MIN, MAX]` milliseconds while parsing, so
/// the error carries the JSON path of the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounded<const MIN: u64, const MAX: u64>(Millis);

fn check_bounds(ms: Millis, min: Millis, max: Millis) -> Result<Millis, String> {
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
struct DurationText(String);

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

// Ranges of SPEC §6–§8; where the SPEC gives none, docs/decisions.md explains ours.
type Grace = Bounded<{ 10 * SECOND }, HOUR>;
type TimeLimit = Bounded<MINUTE, { 24 * HOUR }>;
type AutoClose = Bounded<MINUTE, { 7 * DAY }>;
type MaxDuration = Bounded<HOUR, { 7 * DAY }>;
type Retain = Bounded<0, { 7 * DAY }>;

/// How to point a reconnect link at its token (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStyle {
    /// `portal#reconnect=TOKEN`
    #[default]
    Fragment,
    /// `portal?oc.reconnectid=TOKEN`, Dynamics' parameter name.
    Query,
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
struct RawConfig {
    seed: Option<u64>,
    agents: Option<RawAgents>,
    retain_closed: Option<Retain>,
    policies: Option<BTreeMap<String, RawPolicy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgents {
    default_capacity: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
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

/// Reconnection settings of a policy whose reconnect is enabled (SPEC §7).
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
}

/// The default grace for a lost connection, customer or agent (R-D1).
pub const DEFAULT_GRACE: Millis = 3 * MINUTE;
/// The default reconnect time limit (SPEC §7).
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
        }
    }

    fn resolve(name: &str, raw: RawPolicy) -> Result<Policy, String> {
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
        Ok(p)
    }
}

/// A validated engine configuration. `Config::default()` equals `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seed of the token generator; `None` uses the OS CSPRNG (R-RC8).
    pub seed: Option<u64>,
    /// Capacity of an agent nobody set; `None` is unbounded.
    pub default_capacity: Option<u32>,
    pub retain_closed: Millis,
    /// Sorted by name; always holds `default`.
    pub policies: Vec<Policy>,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(RawConfig::default()).expect("the empty configuration is valid")
    }
}

impl Config {
    /// The configuration as JSON in the input shape, every default spelled out;
    /// `Config::from_value(c.to_value()) == c`. Snapshots carry it.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let dur = |ms: Millis| Value::from(format_duration(ms));
        let opt_dur = |ms: Option<Millis>| ms.map_or(Value::Null, dur);
        let mut policies = Map::new();
        for p in &self.policies {
            let mut policy = Map::new();
            policy.insert("timers".into(), serde_json::to_value(p.timers).expect("timers serialize"));
            policy.insert("disconnect_grace".into(), dur(p.disconnect_grace));
            policy.insert("agent_disconnect_grace".into(), dur(p.agent_disconnect_grace));
            if let Some(r) = &p.reconnect {
                let style = match r.link_style {
                    LinkStyle::Fragment => "fragment",
                    LinkStyle::Query => "query",
                };
                policy.insert(
                    "reconnect".into(),
                    json!({"enabled": true, "time_limit": dur(r.time_limit), "portal_url": &*r.portal_url,
                           "redirect_url": r.redirect_url.as_deref(), "prompt": r.prompt, "link_style": style}),
                );
            }
            let block = match p.wrap_up_block {
                CapacityBlock::Always => Value::from("always"),
                CapacityBlock::Never => Value::from("never"),
                CapacityBlock::For(ms) => dur(ms),
            };
            policy.insert("wrap_up".into(), json!({ "block_capacity": block }));
            let mut auto_close = Map::new();
            for (state, after) in
                [("open", p.auto_close.open), ("waiting", p.auto_close.waiting), ("wrap_up", p.auto_close.wrap_up)]
            {
                if let Some(ms) = after {
                    auto_close.insert(state.into(), dur(ms));
                }
            }
            policy.insert("auto_close".into(), Value::Object(auto_close));
            if p.max_duration.is_some() {
                policy.insert("max_duration".into(), opt_dur(p.max_duration));
            }
            policy.insert("capacity_units".into(), p.capacity_units.into());
            policy.insert("disconnect_flow".into(), p.disconnect_flow.into());
            let m = &p.messages;
            policy.insert(
                "messages".into(),
                json!({"customer_disconnected": m.customer_disconnected, "customer_reconnected": m.customer_reconnected,
                       "agent_disconnected": m.agent_disconnected}),
            );
            policies.insert(p.name.to_string(), Value::Object(policy));
        }
        let mut out = Map::new();
        if let Some(seed) = self.seed {
            out.insert("seed".into(), seed.into());
        }
        if let Some(capacity) = self.default_capacity {
            out.insert("agents".into(), json!({ "default_capacity": capacity }));
        }
        out.insert("retain_closed".into(), dur(self.retain_closed));
        out.insert("policies".into(), Value::Object(policies));
        Value::Object(out)
    }

    /// Parses configuration JSON text. Errors are `invalid_config` naming the
    /// JSON path, e.g. `policies.default.timers.customer_idle: 481 is above 480`.
    pub fn from_json(text: &str) -> Result<Config, Error> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::InvalidConfig(format!("configuration is not JSON: {e}")))?;
        Config::from_value(value)
    }

    /// Validates an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Config, Error> {
        if !value.is_object() {
            return Err(Error::InvalidConfig("configuration: must be a JSON object".into()));
        }
        let raw: RawConfig =
            serde_path_to_error::deserialize(value).map_err(|e| Error::InvalidConfig(path_message(e)))?;
        Config::resolve(raw).map_err(Error::InvalidConfig)
    }

    fn resolve(raw: RawConfig) -> Result<Config, String> {
        let mut policies = Vec::new();
        let mut raw_policies = raw.policies.unwrap_or_default();
        raw_policies.entry("default".into()).or_default();
        for (name, p) in raw_policies {
            crate::conversation::check_id(&name).map_err(|problem| format!("policies: name {name:?} {problem}"))?;
            policies.push(Policy::resolve(&name, p)?);
        }
        Ok(Config {
            seed: raw.seed,
            default_capacity: raw.agents.and_then(|a| a.default_capacity),
            retain_closed: raw.retain_closed.map_or(DEFAULT_RETAIN_CLOSED, |b| b.0),
            policies,
        })
    }

    /// The policy called `name`.
    pub fn policy_index(&self, name: &str) -> Option<usize> {
        self.policies.binary_search_by(|p| (*p.name).cmp(name)).ok()
    }
}

/// Which of the four timers an Amazon Connect entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimerSlot {
    CustomerIdle,
    CustomerAutoDisconnect,
    AgentIdle,
    AgentAutoDisconnect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleConfigRequest {
    #[serde(rename = "ChannelConfiguration")]
    channel_configuration: ChannelConfiguration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelConfiguration {
    #[serde(rename = "Chat")]
    chat: ChatConfiguration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatConfiguration {
    #[serde(rename = "ParticipantTimerConfigList")]
    list: Vec<ParticipantTimerConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticipantTimerConfig {
    #[serde(rename = "ParticipantRole")]
    role: ConnectRole,
    #[serde(rename = "TimerType")]
    timer_type: ConnectTimerType,
    #[serde(rename = "TimerValue")]
    value: ConnectTimerValue,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ConnectRole {
    Customer,
    Agent,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ConnectTimerType {
    Idle,
    DisconnectNoncustomer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectTimerValue {
    #[serde(rename = "ParticipantTimerAction")]
    action: Option<ConnectAction>,
    #[serde(rename = "ParticipantTimerDurationInMinutes")]
    minutes: Option<TimerMinutes>,
}

#[derive(Deserialize)]
enum ConnectAction {
    Unset,
}

impl TimerSettings {
    /// Applies Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4)
    /// and returns the resulting settings; `self` is untouched on error. Errors
    /// name the path inside the request.
    pub fn with_role_config(&self, request: &serde_json::Value) -> Result<TimerSettings, String> {
        let req: RoleConfigRequest = serde_path_to_error::deserialize(request).map_err(path_message)?;
        let list = req.channel_configuration.chat.list;
        let list_path = "ChannelConfiguration.Chat.ParticipantTimerConfigList";
        if list.is_empty() || list.len() > 6 {
            return Err(format!("{list_path}: must hold 1 to 6 entries, not {}", list.len()));
        }
        let mut next = *self;
        let mut seen = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let slot = match (entry.role, entry.timer_type) {
                (ConnectRole::Customer, ConnectTimerType::Idle) => TimerSlot::CustomerIdle,
                (ConnectRole::Customer, ConnectTimerType::DisconnectNoncustomer) => TimerSlot::CustomerAutoDisconnect,
                (ConnectRole::Agent, ConnectTimerType::Idle) => TimerSlot::AgentIdle,
                (ConnectRole::Agent, ConnectTimerType::DisconnectNoncustomer) => TimerSlot::AgentAutoDisconnect,
            };
            if seen.contains(&slot) {
                return Err(format!("{list_path}[{i}]: repeats the ParticipantRole and TimerType of an earlier entry"));
            }
            seen.push(slot);
            let value = match (&entry.value.action, entry.value.minutes) {
                (Some(ConnectAction::Unset), None) => None,
                (None, Some(m)) => Some(m),
                _ => {
                    return Err(format!(
                        "{list_path}[{i}].TimerValue: must hold exactly one of ParticipantTimerAction and ParticipantTimerDurationInMinutes"
                    ))
                }
            };
            match slot {
                TimerSlot::CustomerIdle => next.customer_idle = value,
                TimerSlot::CustomerAutoDisconnect => next.customer_auto_disconnect = value,
                TimerSlot::AgentIdle => next.agent_idle = value,
                TimerSlot::AgentAutoDisconnect => next.agent_auto_disconnect = value,
            }
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: serde_json::Value) -> String {
        Config::from_value(v).unwrap_err().to_string()
    }

    #[test]
    fn empty_is_valid_with_defaults() {
        let c = Config::from_json("{}").unwrap();
        assert_eq!(c, Config::default());
        let p = &c.policies[c.policy_index("default").unwrap()];
        assert_eq!(p.disconnect_grace, 3 * MINUTE);
        assert_eq!(p.reconnect, None);
        assert_eq!(p.wrap_up_block, CapacityBlock::Always);
        assert_eq!(c.retain_closed, HOUR);
        assert_eq!(c.default_capacity, None);
    }

    #[test]
    fn to_value_round_trips() {
        for v in [
            json!({}),
            json!({"seed": 7, "agents": {"default_capacity": 3}, "retain_closed": "2h", "policies": {
                "default": {"timers": {"customer_idle": 5, "agent_auto_disconnect": 9}, "disconnect_grace": "90s",
                    "reconnect": {"enabled": true, "portal_url": "https://p", "redirect_url": "https://r", "prompt": false,
                                  "link_style": "query", "time_limit": "1h"},
                    "wrap_up": {"block_capacity": "5m"}, "auto_close": {"open": "20m", "wrap_up": "15m"},
                    "max_duration": "25h", "capacity_units": 2, "disconnect_flow": true,
                    "messages": {"customer_reconnected": "hi {CustomerName}"}},
                "other": {"wrap_up": {"block_capacity": "never"}}}}),
        ] {
            let c = Config::from_value(v).unwrap();
            assert_eq!(Config::from_value(c.to_value()).unwrap(), c);
        }
    }

    #[test]
    fn timer_bounds_name_the_path() {
        let e = err(json!({"policies": {"default": {"timers": {"customer_idle": 481}}}}));
        assert_eq!(e, "policies.default.timers.customer_idle: 481 is above 480");
        let e = err(json!({"policies": {"default": {"timers": {"agent_idle": 1}}}}));
        assert_eq!(e, "policies.default.timers.agent_idle: 1 is below 2");
        assert!(Config::from_value(
            json!({"policies": {"default": {"timers": {"agent_idle": 2, "customer_idle": 480}}}})
        )
        .is_ok());
    }

    #[test]
    fn durations_need_units_and_ranges() {
        let e = err(json!({"policies": {"p": {"disconnect_grace": 90}}}));
        assert!(e.starts_with("policies.p.disconnect_grace: "), "{e}");
        let e = err(json!({"policies": {"p": {"disconnect_grace": "-3m"}}}));
        assert!(e.starts_with("policies.p.disconnect_grace: "), "{e}");
        let e = err(json!({"policies": {"p": {"disconnect_grace": "5s"}}}));
        assert_eq!(e, "policies.p.disconnect_grace: 5s is below 10s");
        let e = err(json!({"policies": {"p": {"wrap_up": {"block_capacity": "2h"}}}}));
        assert_eq!(e, "policies.p.wrap_up.block_capacity: 2h is above 1h");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = err(json!({"policies": {"default": {"timerz": {}}}}));
        assert!(e.starts_with("policies.default.timerz: unknown field `timerz`"), "{e}");
        let e = err(json!({"sed": 1}));
        assert!(e.contains("unknown field `sed`"), "{e}");
    }

    #[test]
    fn reconnect_needs_a_portal() {
        let e = err(json!({"policies": {"default": {"reconnect": {"enabled": true}}}}));
        assert_eq!(e, "policies.default.reconnect.portal_url: required when reconnect is enabled");
        let c = Config::from_value(
            json!({"policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://p"}}}}),
        )
        .unwrap();
        let r = c.policies[0].reconnect.clone().unwrap();
        assert_eq!((r.time_limit, r.prompt, r.link_style), (10 * MINUTE, true, LinkStyle::Fragment));
    }

    #[test]
    fn connect_request_sets_and_unsets() {
        let start = TimerSettings { agent_idle: Some(TimerMinutes(3)), ..Default::default() };
        let req = json!({"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [
            {"ParticipantRole": "CUSTOMER", "TimerType": "IDLE", "TimerValue": {"ParticipantTimerDurationInMinutes": 5}},
            {"ParticipantRole": "AGENT", "TimerType": "IDLE", "TimerValue": {"ParticipantTimerAction": "Unset"}}
        ]}}});
        let next = start.with_role_config(&req).unwrap();
        assert_eq!(next.customer_idle, Some(TimerMinutes(5)));
        assert_eq!(next.agent_idle, None);
    }

    #[test]
    fn connect_request_validation() {
        let entry = |role: &str, ty: &str, v: serde_json::Value| json!({"ParticipantRole": role, "TimerType": ty, "TimerValue": v});
        let req = |list: Vec<serde_json::Value>| json!({"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": list}}});
        let s = TimerSettings::default();
        let five = json!({"ParticipantTimerDurationInMinutes": 5});
        assert!(s.with_role_config(&req(vec![])).unwrap_err().contains("1 to 6 entries"));
        let dup = req(vec![entry("AGENT", "IDLE", five.clone()), entry("AGENT", "IDLE", five.clone())]);
        assert!(s.with_role_config(&dup).unwrap_err().contains("[1]: repeats"));
        let both = req(vec![entry(
            "AGENT",
            "IDLE",
            json!({"ParticipantTimerAction": "Unset", "ParticipantTimerDurationInMinutes": 5}),
        )]);
        assert!(s.with_role_config(&both).unwrap_err().contains("exactly one"));
        let bad_role = req(vec![entry("SUPERVISOR", "IDLE", five.clone())]);
        let e = s.with_role_config(&bad_role).unwrap_err();
        assert!(e.starts_with("ChannelConfiguration.Chat.ParticipantTimerConfigList[0].ParticipantRole"), "{e}");
        let big = req(vec![entry("AGENT", "IDLE", json!({"ParticipantTimerDurationInMinutes": 481}))]);
        assert!(s.with_role_config(&big).unwrap_err().contains("481 is above 480"));
    }
}
