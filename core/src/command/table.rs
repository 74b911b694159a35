//! The one table of commands (docs/rules.md §9), handed to a macro: the core
//! declares [`crate::Command`] from it, and each binding declares its methods
//! from it, so a new command is one entry here and reaches every language.
//!
//! `chatlife::command_table!(m)` expands to `m! { entries }`. Each entry is
//! its docs, then `Variant = "op" { need field: kind, ... }`, where
//! - `need` is `req` (must be given), `opt` (absent or null is `None`) or
//!   `nul` (must be given, null is `None`);
//! - `kind` is the field's type: `text` (an id or name, [`crate::Text`]),
//!   `secret` ([`crate::SecretText`]), `role`, `wait_for`, `timers`
//!   ([`crate::TimerSettings`]), `json` (a JSON value) or `count` (`u32`).
//!
//! Entries keep their order: bindings number ops by position (C's
//! `chatlife_op`), so a new command goes at the end. Docs are one
//! `#[doc = "..."]` string each (what `COMMANDS` hands out whole), not
//! `///`, because napi copies a `///` passed through a macro into
//! index.d.ts as a raw-string token. A field's JSON key is its name except
//! `wait_for`, which is `for` ([`crate::json_key`]).

#[doc(hidden)]
#[macro_export]
macro_rules! command_table {
    ($callback:ident) => {
        $callback! {
            #[doc = "A new conversation whose customer joins with it."]
            StartConversation = "start_conversation" {
                req conversation: text,
                req customer: text,
                opt policy: text,
                opt authenticated_as: text,
                opt display_name: text,
            }
            #[doc = "A participant joins; an agent's join makes the conversation active."]
            Join = "join" { req conversation: text, req participant: text, req role: role, opt display_name: text }
            #[doc = "The participant leaves the conversation."]
            Leave = "leave" { req conversation: text, req participant: text }
            #[doc = "A message from a participant; only messages reset idle timers (R-T6)."]
            Message = "message" { req conversation: text, req participant: text }
            #[doc = "The transport lost the participant: starts the grace period (R-D1)."]
            ConnectionLost = "connection_lost" { req conversation: text, req participant: text }
            #[doc = "The transport has the participant back within the grace period."]
            ConnectionRestored = "connection_restored" { req conversation: text, req participant: text }
            #[doc = "The End button; a customer's end is \"closed the chat window\"."]
            End = "end" { req conversation: text, req participant: text }
            #[doc = "The agent closes the session window."]
            CloseSession = "close_session" { req conversation: text, req participant: text }
            #[doc = "Emits `reconnect_link_issued`; its url and token are secrets."]
            IssueReconnectLink = "issue_reconnect_link" { req conversation: text }
            #[doc = "Reconnect through a link (`token`) or the prompt (`conversation` and `authenticated_as`)."]
            Reconnect = "reconnect" { opt token: secret, opt conversation: text, opt authenticated_as: text }
            #[doc = "A signed-in customer is back: offers the conversations they can still reconnect to (R-RC2)."]
            ReturningCustomer = "returning_customer" { req authenticated_as: text }
            #[doc = "The returning customer declines to reconnect to the conversation."]
            DeclineReconnect = "decline_reconnect" { req conversation: text, req authenticated_as: text }
            #[doc = "Stores the four participant timers (whole minutes or none) for the next agent/bot join (R-T4)."]
            SetParticipantTimers = "set_participant_timers" { req conversation: text, req timers: timers }
            #[doc = "Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4)."]
            UpdateParticipantRoleConfig = "update_participant_role_config" { req conversation: text, req request: json }
            #[doc = "What the flow's Wait block waits for (R-T9); the JSON field is `for`."]
            SetWait = "set_wait" { req conversation: text, req wait_for: wait_for }
            #[doc = "An agent's capacity in units; null is unbounded."]
            SetAgentCapacity = "set_agent_capacity" { req agent: text, nul capacity: count }
            #[doc = "Fires every timer due by `now`."]
            Advance = "advance" {}
            #[doc = "The assigned agent puts an active conversation on hold (docs/rules.md §14, H1)."]
            Hold = "hold" { req conversation: text, req participant: text }
            #[doc = "The assigned agent takes the conversation off hold (H2)."]
            Resume = "resume" { req conversation: text, req participant: text }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use crate::command::{Command, Need, COMMANDS, OPS};

    fn sample(kind: &str) -> Value {
        match kind {
            "text" | "secret" => json!("x"),
            "role" => json!("agent"),
            "wait_for" => json!("bot"),
            "timers" => json!({"agent_idle": 5}),
            "json" => json!({}),
            "count" => json!(3),
            other => panic!("a kind the table's docs do not list: {other}"),
        }
    }

    /// What the table says of each command is what the parser takes: every
    /// field given reads, a required one missing is named, no other key is taken.
    #[test]
    fn the_spec_is_what_the_parser_reads() {
        assert_eq!(COMMANDS.iter().map(|c| c.op).collect::<Vec<_>>(), OPS);
        for spec in COMMANDS {
            assert!(!spec.doc.is_empty(), "{} has no docs", spec.op);
            let mut all = Map::new();
            all.insert("op".into(), json!(spec.op));
            for f in spec.fields {
                all.insert(f.key.into(), sample(f.kind));
            }
            let command = Command::from_value(Value::Object(all.clone())).unwrap();
            assert_eq!(command.op(), spec.op);
            for f in spec.fields.iter().filter(|f| f.need != Need::Optional) {
                let mut missing = all.clone();
                missing.remove(f.key);
                let e = Command::from_value(Value::Object(missing)).unwrap_err();
                assert!(e.message().starts_with(&format!("{}: missing", f.key)), "{e}");
            }
            let mut extra = all.clone();
            extra.insert("customer".into(), json!("x"));
            let taken = spec.fields.iter().any(|f| f.key == "customer");
            assert_eq!(Command::from_value(Value::Object(extra)).is_ok(), taken, "{}", spec.op);
        }
    }
}
