//! Commands of SPEC §9 as data, for scenario files, batches and bindings. The
//! JSON form is `{"op": "<name>", ...fields}`; with `"at"` it is a
//! [`TimedCommand`]. Unknown fields are refused.

use serde::{Deserialize, Deserializer};

use crate::conversation::{Role, WaitFor};
use crate::error::{path_message, Error};
use crate::events::Secret;
use crate::policy::TimerSettings;
use crate::time::{parse_duration, Millis, MAX_TIME};

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// One command of SPEC §9, without its time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    StartConversation {
        conversation: String,
        customer: String,
        #[serde(default)]
        policy: Option<String>,
        #[serde(default)]
        authenticated_as: Option<String>,
        #[serde(default)]
        display_name: Option<String>,
    },
    Join {
        conversation: String,
        participant: String,
        role: Role,
        #[serde(default)]
        display_name: Option<String>,
    },
    Leave { conversation: String, participant: String },
    Message { conversation: String, participant: String },
    ConnectionLost { conversation: String, participant: String },
    ConnectionRestored { conversation: String, participant: String },
    End { conversation: String, participant: String },
    CloseSession { conversation: String, participant: String },
    IssueReconnectLink { conversation: String },
    /// By link (`token`) or by prompt (`conversation` + `authenticated_as`).
    Reconnect {
        #[serde(default)]
        token: Option<Secret>,
        #[serde(default)]
        conversation: Option<String>,
        #[serde(default)]
        authenticated_as: Option<String>,
    },
    ReturningCustomer { authenticated_as: String },
    DeclineReconnect { conversation: String, authenticated_as: String },
    SetParticipantTimers { conversation: String, timers: TimerSettings },
    UpdateParticipantRoleConfig { conversation: String, request: serde_json::Value },
    SetWait {
        conversation: String,
        #[serde(rename = "for")]
        wait_for: WaitFor,
    },
    SetAgentCapacity { agent: String, capacity: Option<u32> },
    Advance,
}

impl Command {
    /// The `op` name.
    pub fn op(&self) -> &'static str {
        match self {
            Command::StartConversation { .. } => "start_conversation",
            Command::Join { .. } => "join",
            Command::Leave { .. } => "leave",
            Command::Message { .. } => "message",
            Command::ConnectionLost { .. } => "connection_lost",
            Command::ConnectionRestored { .. } => "connection_restored",
            Command::End { .. } => "end",
            Command::CloseSession { .. } => "close_session",
            Command::IssueReconnectLink { .. } => "issue_reconnect_link",
            Command::Reconnect { .. } => "reconnect",
            Command::ReturningCustomer { .. } => "returning_customer",
            Command::DeclineReconnect { .. } => "decline_reconnect",
            Command::SetParticipantTimers { .. } => "set_participant_timers",
            Command::UpdateParticipantRoleConfig { .. } => "update_participant_role_config",
            Command::SetWait { .. } => "set_wait",
            Command::SetAgentCapacity { .. } => "set_agent_capacity",
            Command::Advance => "advance",
        }
    }

    /// Parses `{"op": ..., ...}`; errors are `invalid_argument` naming the path.
    pub fn from_value(value: serde_json::Value) -> Result<Command, Error> {
        serde_path_to_error::deserialize(value).map_err(|e| Error::InvalidArgument(path_message(e)))
    }

    /// The conversation the command names, if any.
    pub fn conversation(&self) -> Option<&str> {
        match self {
            Command::StartConversation { conversation, .. }
            | Command::Join { conversation, .. }
            | Command::Leave { conversation, .. }
            | Command::Message { conversation, .. }
            | Command::ConnectionLost { conversation, .. }
            | Command::ConnectionRestored { conversation, .. }
            | Command::End { conversation, .. }
            | Command::CloseSession { conversation, .. }
            | Command::IssueReconnectLink { conversation }
            | Command::DeclineReconnect { conversation, .. }
            | Command::SetParticipantTimers { conversation, .. }
            | Command::UpdateParticipantRoleConfig { conversation, .. }
            | Command::SetWait { conversation, .. } => Some(conversation),
            Command::Reconnect { conversation, .. } => conversation.as_deref(),
            Command::ReturningCustomer { .. } | Command::SetAgentCapacity { .. } | Command::Advance => None,
        }
    }
}

/// A command with its `now`, the unit of batches and scenario steps.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedCommand {
    pub at: Millis,
    pub command: Command,
}

/// Reads `at`: integer milliseconds or a duration string from zero (SC1).
pub fn parse_at(value: &serde_json::Value) -> Result<Millis, String> {
    let ms = match value {
        serde_json::Value::Number(n) => n.as_u64().ok_or_else(|| format!("{n} is not a whole number of milliseconds"))?,
        serde_json::Value::String(s) => parse_duration(s)?,
        other => return Err(format!("{other} is neither milliseconds nor a duration string")),
    };
    if ms > MAX_TIME {
        return Err(format!("{ms} is above {MAX_TIME}"));
    }
    Ok(ms)
}

impl TimedCommand {
    /// Parses `{"at": ..., "op": ..., ...}`. Errors are `invalid_argument`
    /// naming the path.
    pub fn from_value(value: serde_json::Value) -> Result<TimedCommand, Error> {
        let serde_json::Value::Object(mut fields) = value else {
            return Err(Error::InvalidArgument("command: must be a JSON object".into()));
        };
        let at = fields.remove("at").ok_or_else(|| Error::InvalidArgument("at: missing".into()))?;
        let at = parse_at(&at).map_err(|e| Error::InvalidArgument(format!("at: {e}")))?;
        let command = Command::from_value(serde_json::Value::Object(fields))?;
        Ok(TimedCommand { at, command })
    }

    /// Parses a JSON text holding one timed command.
    pub fn from_json(text: &str) -> Result<TimedCommand, Error> {
        let value = serde_json::from_str(text).map_err(|e| Error::InvalidArgument(format!("command: not JSON: {e}")))?;
        TimedCommand::from_value(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_commands_and_refuses_unknown_fields() {
        let c = TimedCommand::from_value(json!({"at": "5s", "op": "join", "conversation": "c", "participant": "a", "role": "agent"})).unwrap();
        assert_eq!(c.at, 5000);
        assert_eq!(c.command.op(), "join");
        let e = Command::from_value(json!({"op": "join", "conversation": "c", "participant": "a", "role": "agent", "x": 1})).unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.message().contains("unknown field `x`"), "{e}");
        let e = Command::from_value(json!({"op": "join", "conversation": "c", "participant": "a", "role": "boss"})).unwrap_err();
        assert!(e.message().starts_with("role: "), "{e}");
        let e = Command::from_value(json!({"op": "fly"})).unwrap_err();
        assert!(e.message().contains("unknown variant `fly`"), "{e}");
    }

    #[test]
    fn a_token_never_shows_in_debug() {
        let c = Command::from_value(json!({"op": "reconnect", "token": "crl1_abc_SECRET"})).unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
