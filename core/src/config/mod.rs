//! Configuration (docs/rules.md §8): the JSON the host gives `Engine::new`, parsed with
//! unknown fields refused and every problem reported as `json.path: problem`
//! (CFG1), and resolved into the [`Config`] and [`Policy`] the engine reads.
//!
//! - `policy`: one named policy, its JSON shape and defaults;
//! - `timers`: the participant timers (R-T1), shared with commands and events;
//! - `durations`: duration strings and their ranges (T6);
//! - `warnings`: lead times before a timer ends something (§12);
//! - `inactivity`: conversation inactivity (§13) and hold (§14);
//! - `connect`: Amazon Connect's `UpdateParticipantRoleConfig` request (CFG4).

mod connect;
mod durations;
mod inactivity;
mod policy;
mod timers;
mod warnings;

use std::collections::BTreeMap;

use serde::Deserialize;

use self::durations::Retain;
pub use self::inactivity::{InactivityAction, InactivityWhile};
use self::policy::RawPolicy;
pub use self::policy::{CapacityBlock, LinkStyle, Policy, DEFAULT_RETAIN_CLOSED};
pub use self::timers::{RoleTimers, TimerMinutes, TimerSettings, TIMER_MAX_MINUTES, TIMER_MIN_MINUTES};
use crate::error::{path_message, Error};
use crate::time::{format_duration, Millis};

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
            if !p.warnings.is_empty() {
                policy.insert("warnings".into(), p.warnings.to_value());
            }
            if let Some(i) = p.inactivity {
                policy.insert("inactivity".into(), i.to_value());
            }
            if let Some(h) = p.hold {
                policy.insert("hold".into(), h.to_value());
            }
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
            crate::id::check_id(&name).map_err(|problem| format!("policies: name {name:?} {problem}"))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{HOUR, MINUTE};
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
                    "messages": {"customer_reconnected": "hi {CustomerName}"},
                    "warnings": {"customer_auto_disconnect": ["1m"], "auto_close": ["1m", "5m"]},
                    "inactivity": {"after": "30m", "while": "customer_owes_reply"},
                    "hold": {"enabled": true, "auto_close": "2h", "on_customer_inactive": true}},
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
    fn warnings_are_checked_with_their_paths() {
        let w = |v: serde_json::Value| err(json!({"policies": {"default": {"warnings": v}}}));
        assert_eq!(w(json!({"auto_close": ["5s"]})), "policies.default.warnings.auto_close[0]: 5s is below 10s");
        assert_eq!(w(json!({"auto_close": ["2h"]})), "policies.default.warnings.auto_close[0]: 2h is above 1h");
        assert_eq!(w(json!({"hold": ["1m", "60s"]})), "policies.default.warnings.hold: the lead 1m appears twice");
        assert_eq!(
            w(json!({"max_duration": ["1m", "2m", "3m", "4m"]})),
            "policies.default.warnings.max_duration: must hold 1 to 3 lead times, not 4"
        );
        assert_eq!(
            w(json!({"inactivity": []})),
            "policies.default.warnings.inactivity: must hold 1 to 3 lead times, not 0"
        );
        assert!(w(json!({"idle": ["1m"]})).starts_with("policies.default.warnings.idle: unknown field `idle`"));
        let c =
            Config::from_value(json!({"policies": {"default": {"warnings": {"auto_close": ["1m", "5m"]}}}})).unwrap();
        assert_eq!(
            c.policies[0].warnings.leads(crate::vocab::Warned::AutoClose),
            &[5 * MINUTE, MINUTE],
            "longest first"
        );
    }

    #[test]
    fn inactivity_and_hold_are_checked_with_their_paths() {
        let p = |v: serde_json::Value| err(json!({"policies": {"default": v}}));
        assert_eq!(p(json!({"inactivity": {"after": "30s"}})), "policies.default.inactivity.after: 30s is below 1m");
        assert_eq!(p(json!({"inactivity": {"after": "8d"}})), "policies.default.inactivity.after: 8d is above 7d");
        assert!(p(json!({"inactivity": {"after": "5m", "action": "close"}}))
            .starts_with("policies.default.inactivity.action: unknown variant `close`"));
        assert!(p(json!({"inactivity": {"after": "5m", "while": "always"}}))
            .starts_with("policies.default.inactivity.while: unknown variant"));
        assert!(p(json!({"inactivity": {"action": "requeue"}})).starts_with("policies.default.inactivity"));
        assert_eq!(
            p(json!({"hold": {"enabled": true, "auto_close": "10s"}})),
            "policies.default.hold.auto_close: 10s is below 1m"
        );
        assert!(p(json!({"hold": {"enabled": true, "park": true}}))
            .starts_with("policies.default.hold.park: unknown field"));
        let c = Config::from_value(
            json!({"policies": {"default": {"inactivity": {"after": "5m"}, "hold": {"enabled": true}}}}),
        )
        .unwrap();
        let i = c.policies[0].inactivity.unwrap();
        assert_eq!((i.after, i.action, i.while_), (5 * MINUTE, InactivityAction::WrapUp, InactivityWhile::Silent));
        let h = c.policies[0].hold.unwrap();
        assert_eq!((h.release_capacity, h.auto_close, h.on_customer_inactive), (true, None, false));
        let off =
            Config::from_value(json!({"policies": {"default": {"hold": {"enabled": false, "auto_close": "5m"}}}}))
                .unwrap();
        assert_eq!(off.policies[0].hold, None);
    }
}
