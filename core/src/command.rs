//! Commands of docs/rules.md §9 as data, for scenario files, batches and bindings. The
//! JSON form is `{"op": "<name>", ...fields}`; with `"at"` it is a
//! [`TimedCommand`]. Unknown fields are refused.

use serde::{Deserialize, Deserializer};

use crate::config::TimerSettings;
use crate::error::{path_message, Error};
use crate::events::Secret;
use crate::time::{parse_duration, Millis, MAX_TIME};
use crate::vocab::{Role, WaitFor};

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Declares [`Command`] and, per command, a private argument struct that serde
/// fills with the JSON path tracked (serde loses it inside enum variants, and
/// errors must name the field).
macro_rules! commands {
    ($(
        $(#[$vmeta:meta])*
        $variant:ident = $op:literal { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }
    )*) => {
        /// One command of docs/rules.md §9, without its time.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Command {
            $( $(#[$vmeta])* $variant { $( $field: $ty ),* }, )*
        }

        mod args {
            #![allow(non_camel_case_types)]
            use super::*;
            $(
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                pub(super) struct $variant { $( $(#[$fmeta])* pub(super) $field: $ty ),* }
            )*
        }

        /// Every `op` name, in docs/rules.md §9 order, then what later versions added.
        pub const OPS: &[&str] = &[$($op),*];

        impl Command {
            /// The `op` name.
            pub fn op(&self) -> &'static str {
                match self { $( Command::$variant { .. } => $op, )* }
            }

            fn from_fields(op: &str, fields: serde_json::Value) -> Result<Command, Error> {
                let bad = |e| Error::InvalidArgument(path_message(e));
                match op {
                    $( $op => {
                        let _a: args::$variant = serde_path_to_error::deserialize(fields).map_err(bad)?;
                        Ok(Command::$variant { $( $field: _a.$field ),* })
                    } )*
                    other => Err(Error::InvalidArgument(format!(
                        "op: {other:?} is not a command; expected one of {}", OPS.join(", ")
                    ))),
                }
            }
        }
    };
}

commands! {
    StartConversation = "start_conversation" {
        conversation: String,
        customer: String,
        #[serde(default)] policy: Option<String>,
        #[serde(default)] authenticated_as: Option<String>,
        #[serde(default)] display_name: Option<String>,
    }
    Join = "join" {
        conversation: String,
        participant: String,
        role: Role,
        #[serde(default)] display_name: Option<String>,
    }
    Leave = "leave" { conversation: String, participant: String }
    Message = "message" { conversation: String, participant: String }
    ConnectionLost = "connection_lost" { conversation: String, participant: String }
    ConnectionRestored = "connection_restored" { conversation: String, participant: String }
    End = "end" { conversation: String, participant: String }
    CloseSession = "close_session" { conversation: String, participant: String }
    IssueReconnectLink = "issue_reconnect_link" { conversation: String }
    /// By link (`token`) or by prompt (`conversation` + `authenticated_as`).
    Reconnect = "reconnect" {
        #[serde(default)] token: Option<Secret>,
        #[serde(default)] conversation: Option<String>,
        #[serde(default)] authenticated_as: Option<String>,
    }
    ReturningCustomer = "returning_customer" { authenticated_as: String }
    DeclineReconnect = "decline_reconnect" { conversation: String, authenticated_as: String }
    SetParticipantTimers = "set_participant_timers" { conversation: String, timers: TimerSettings }
    UpdateParticipantRoleConfig = "update_participant_role_config" { conversation: String, request: serde_json::Value }
    SetWait = "set_wait" { conversation: String, #[serde(rename = "for")] wait_for: WaitFor }
    SetAgentCapacity = "set_agent_capacity" { agent: String, capacity: Option<u32> }
    Advance = "advance" {}
    // v2 (§14). Ops are numbered by position in the bindings: append only.
    Hold = "hold" { conversation: String, participant: String }
    Resume = "resume" { conversation: String, participant: String }
}

impl Command {
    /// Parses `{"op": ..., ...}`; errors are `invalid_argument` naming the path.
    pub fn from_value(value: serde_json::Value) -> Result<Command, Error> {
        let serde_json::Value::Object(mut fields) = value else {
            return Err(Error::InvalidArgument("command: must be a JSON object".into()));
        };
        match fields.remove("op") {
            Some(serde_json::Value::String(op)) => Command::from_fields(&op, serde_json::Value::Object(fields)),
            Some(other) => Err(Error::InvalidArgument(format!("op: {other} is not a command name"))),
            None => Err(Error::InvalidArgument("op: missing".into())),
        }
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
            | Command::SetWait { conversation, .. }
            | Command::Hold { conversation, .. }
            | Command::Resume { conversation, .. } => Some(conversation),
            Command::Reconnect { conversation, .. } => conversation.as_deref(),
            Command::ReturningCustomer { .. } | Command::SetAgentCapacity { .. } | Command::Advance {} => None,
        }
    }
}

/// The field names of the commands whose arguments are all strings, by a
/// fixed position: bindings that read hot commands straight from their host's
/// objects (Python's `apply_many`, Node's `applyMany`) index by these.
pub mod plain_fields {
    pub const KEYS: [&str; 9] =
        ["at", "op", "conversation", "participant", "customer", "role", "display_name", "policy", "authenticated_as"];
    pub const AT: usize = 0;
    pub const OP: usize = 1;
    pub const CONVERSATION: usize = 2;
    pub const PARTICIPANT: usize = 3;
    pub const CUSTOMER: usize = 4;
    pub const ROLE: usize = 5;
    pub const DISPLAY_NAME: usize = 6;
    pub const POLICY: usize = 7;
    pub const AUTHENTICATED_AS: usize = 8;
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
        serde_json::Value::Number(n) => {
            n.as_u64().ok_or_else(|| format!("{n} is not a whole number of milliseconds"))?
        }
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
        let value =
            serde_json::from_str(text).map_err(|e| Error::InvalidArgument(format!("command: not JSON: {e}")))?;
        TimedCommand::from_value(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_commands_and_refuses_unknown_fields() {
        let c = TimedCommand::from_value(
            json!({"at": "5s", "op": "join", "conversation": "c", "participant": "a", "role": "agent"}),
        )
        .unwrap();
        assert_eq!(c.at, 5000);
        assert_eq!(c.command.op(), "join");
        let e = Command::from_value(
            json!({"op": "join", "conversation": "c", "participant": "a", "role": "agent", "x": 1}),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.message().contains("unknown field `x`"), "{e}");
        let e = Command::from_value(json!({"op": "join", "conversation": "c", "participant": "a", "role": "boss"}))
            .unwrap_err();
        assert!(e.message().starts_with("role: "), "{e}");
        let e = Command::from_value(
            json!({"op": "set_participant_timers", "conversation": "c", "timers": {"agent_idle": 481}}),
        )
        .unwrap_err();
        assert_eq!(e.message(), "timers.agent_idle: 481 is above 480");
        let e = Command::from_value(json!({"op": "fly"})).unwrap_err();
        assert!(e.message().starts_with("op: \"fly\" is not a command"), "{e}");
    }

    #[test]
    fn a_token_never_shows_in_debug() {
        let c = Command::from_value(json!({"op": "reconnect", "token": "crl1_abc_SECRET"})).unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
