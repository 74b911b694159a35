//! Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4),
//! validated as Connect validates it and applied to [`TimerSettings`].

use serde::Deserialize;

use super::timers::{TimerMinutes, TimerSettings};
use crate::error::path_message;

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

    #[test]
    fn connect_request_sets_and_unsets() {
        let start = TimerSettings { agent_idle: Some(TimerMinutes::new(3).unwrap()), ..Default::default() };
        let req = json!({"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [
            {"ParticipantRole": "CUSTOMER", "TimerType": "IDLE", "TimerValue": {"ParticipantTimerDurationInMinutes": 5}},
            {"ParticipantRole": "AGENT", "TimerType": "IDLE", "TimerValue": {"ParticipantTimerAction": "Unset"}}
        ]}}});
        let next = start.with_role_config(&req).unwrap();
        assert_eq!(next.customer_idle, Some(TimerMinutes::new(5).unwrap()));
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
