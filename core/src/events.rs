//! What the engine tells the host (docs/rules.md §10). Every event serializes to one
//! canonical JSON line: `at`, `type`, `conversation`, then the fields of its type
//! in the order of the SPEC table, `null` where a value is absent. Conformance
//! compares these lines byte for byte, so the order here is a contract.

use std::fmt;
use std::sync::Arc;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::config::TimerSettings;
use crate::id::Id;
use crate::time::Millis;
use crate::vocab::{HoldReason, LeftReason, Reason, Role, State, Warned};

/// A string that must not be shown in logs: a reconnect token or a URL carrying
/// one. It serializes as itself (the host needs it) but `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(crate) String);

impl Secret {
    /// Wraps a token or URL that must stay out of logs.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself; the caller takes over the duty not to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Who sees an automated transcript message (R-M1). docs/rules.md §10 also names
/// `all`; no rule writes such a message, so there is no such value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisibleTo {
    Agent,
    Customer,
}

/// How a customer came back (R-RC5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconnectMethod {
    Link,
    Prompt,
}

/// Why a reconnect attempt was refused (R-RC9); for the audit log only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusedReason {
    Expired,
    Ended,
    Invalid,
    Reused,
    IdentityMismatch,
}

impl VisibleTo {
    pub fn as_str(self) -> &'static str {
        match self {
            VisibleTo::Agent => "agent",
            VisibleTo::Customer => "customer",
        }
    }
}

impl VisibleTo {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [VisibleTo; 2] = [VisibleTo::Agent, VisibleTo::Customer];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(VisibleTo) = |v| match v {
    VisibleTo::Agent | VisibleTo::Customer => (),
};

impl ReconnectMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ReconnectMethod::Link => "link",
            ReconnectMethod::Prompt => "prompt",
        }
    }
}

impl ReconnectMethod {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [ReconnectMethod; 2] = [ReconnectMethod::Link, ReconnectMethod::Prompt];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(ReconnectMethod) = |v| match v {
    ReconnectMethod::Link | ReconnectMethod::Prompt => (),
};

impl RefusedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusedReason::Expired => "expired",
            RefusedReason::Ended => "ended",
            RefusedReason::Invalid => "invalid",
            RefusedReason::Reused => "reused",
            RefusedReason::IdentityMismatch => "identity_mismatch",
        }
    }
}

impl RefusedReason {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [RefusedReason; 5] = [
        RefusedReason::Expired,
        RefusedReason::Ended,
        RefusedReason::Invalid,
        RefusedReason::Reused,
        RefusedReason::IdentityMismatch,
    ];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(RefusedReason) = |v| match v {
    RefusedReason::Expired
    | RefusedReason::Ended
    | RefusedReason::Invalid
    | RefusedReason::Reused
    | RefusedReason::IdentityMismatch => (),
};

/// One thing that happened, at one millisecond, in one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The deadline for a timer event, the command's `now` otherwise (T4).
    pub at: Millis,
    /// `None` for `capacity_changed` (which has no `conversation` field), for
    /// `no_reconnect_offer` and for a `reconnect_refused` that must not say
    /// which conversation a token named (R-RC10); both serialize as
    /// `"conversation": null`.
    pub conversation: Option<Id>,
    pub kind: EventKind,
}

/// The type of an event and its fields (docs/rules.md §10 table).
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    ConversationStarted { policy: Arc<str>, customer: Id },
    StateChanged { from: State, to: State, reason: Reason },
    ParticipantJoined { participant: Id, role: Role },
    ParticipantLeft { participant: Id, role: Role, reason: LeftReason },
    ParticipantIdle { participant: Id, role: Role },
    ParticipantReturned { participant: Id, role: Role },
    AutoDisconnected { participant: Id, role: Role, disconnected: Vec<Id> },
    RoutedToDisconnectFlow,
    BotDisconnectedBranch { participant: Id },
    ConnectionLost { participant: Id, role: Role },
    ConnectionRestored { participant: Id, role: Role },
    CustomerDisconnected { participant: Id },
    TranscriptMessage { key: &'static str, text: String, visible_to: VisibleTo },
    TimerConfigStored { timers: TimerSettings },
    ReconnectLinkIssued { url: Secret, token: Secret },
    ReconnectOffered { customer: Id },
    NoReconnectOffer { redirect_url: Option<Arc<str>> },
    CustomerReconnected { participant: Id, method: ReconnectMethod, same_agent: bool },
    ReconnectRefused { reason: RefusedReason, redirect_url: Option<Arc<str>>, start_new: bool },
    ReconnectWindowExpired { redirect_url: Option<Arc<str>> },
    CapacityChanged { agent: Id, used: u32, capacity: Option<u32> },
    ExpiryWarning { timer: Warned, participant: Option<Id>, deadline: Millis },
    ConversationInactive { since: Millis },
    HoldChanged { on_hold: bool, reason: HoldReason },
}

/// Every event type name, in docs/rules.md §10 order. Bindings number event types by
/// position (C enum values), so append only: never reorder or remove.
pub const EVENT_TYPES: [&str; 24] = [
    "conversation_started",
    "state_changed",
    "participant_joined",
    "participant_left",
    "participant_idle",
    "participant_returned",
    "auto_disconnected",
    "routed_to_disconnect_flow",
    "bot_disconnected_branch",
    "connection_lost",
    "connection_restored",
    "customer_disconnected",
    "transcript_message",
    "timer_config_stored",
    "reconnect_link_issued",
    "reconnect_offered",
    "no_reconnect_offer",
    "customer_reconnected",
    "reconnect_refused",
    "reconnect_window_expired",
    "capacity_changed",
    "expiry_warning",
    "conversation_inactive",
    "hold_changed",
];

impl EventKind {
    /// Position of this type in [`EVENT_TYPES`]; bindings number event types by it.
    pub fn type_index(&self) -> usize {
        use EventKind::*;
        match self {
            ConversationStarted { .. } => 0,
            StateChanged { .. } => 1,
            ParticipantJoined { .. } => 2,
            ParticipantLeft { .. } => 3,
            ParticipantIdle { .. } => 4,
            ParticipantReturned { .. } => 5,
            AutoDisconnected { .. } => 6,
            RoutedToDisconnectFlow => 7,
            BotDisconnectedBranch { .. } => 8,
            ConnectionLost { .. } => 9,
            ConnectionRestored { .. } => 10,
            CustomerDisconnected { .. } => 11,
            TranscriptMessage { .. } => 12,
            TimerConfigStored { .. } => 13,
            ReconnectLinkIssued { .. } => 14,
            ReconnectOffered { .. } => 15,
            NoReconnectOffer { .. } => 16,
            CustomerReconnected { .. } => 17,
            ReconnectRefused { .. } => 18,
            ReconnectWindowExpired { .. } => 19,
            CapacityChanged { .. } => 20,
            ExpiryWarning { .. } => 21,
            ConversationInactive { .. } => 22,
            HoldChanged { .. } => 23,
        }
    }

    /// The snake_case `type` of docs/rules.md §10.
    pub fn type_name(&self) -> &'static str {
        EVENT_TYPES[self.type_index()]
    }
}

impl Event {
    /// The canonical JSON line (no trailing newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events serialize to JSON infallibly")
    }

    /// The canonical form as a JSON value, for comparison with expectations.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("events serialize to JSON infallibly")
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use EventKind::*;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("at", &self.at)?;
        m.serialize_entry("type", self.kind.type_name())?;
        if !matches!(self.kind, CapacityChanged { .. }) {
            m.serialize_entry("conversation", &self.conversation.as_deref())?;
        }
        match &self.kind {
            ConversationStarted { policy, customer } => {
                m.serialize_entry("policy", &**policy)?;
                m.serialize_entry("customer", &**customer)?;
            }
            StateChanged { from, to, reason } => {
                m.serialize_entry("from", from)?;
                m.serialize_entry("to", to)?;
                m.serialize_entry("reason", reason)?;
            }
            ParticipantJoined { participant, role }
            | ConnectionLost { participant, role }
            | ConnectionRestored { participant, role } => {
                m.serialize_entry("participant", &**participant)?;
                m.serialize_entry("role", role)?;
            }
            ParticipantLeft { participant, role, reason } => {
                m.serialize_entry("participant", &**participant)?;
                m.serialize_entry("role", role)?;
                m.serialize_entry("reason", reason)?;
            }
            // R-T10 (and W3): notices for participants, not transcript entries.
            ParticipantIdle { participant, role } | ParticipantReturned { participant, role } => {
                m.serialize_entry("participant", &**participant)?;
                m.serialize_entry("role", role)?;
                m.serialize_entry("transcript", &false)?;
            }
            AutoDisconnected { participant, role, disconnected } => {
                m.serialize_entry("participant", &**participant)?;
                m.serialize_entry("role", role)?;
                let ids: Vec<&str> = disconnected.iter().map(|id| &**id).collect();
                m.serialize_entry("disconnected", &ids)?;
                m.serialize_entry("transcript", &false)?;
            }
            RoutedToDisconnectFlow => {}
            BotDisconnectedBranch { participant } | CustomerDisconnected { participant } => {
                m.serialize_entry("participant", &**participant)?;
            }
            TranscriptMessage { key, text, visible_to } => {
                m.serialize_entry("key", key)?;
                m.serialize_entry("text", text)?;
                m.serialize_entry("visible_to", visible_to)?;
            }
            TimerConfigStored { timers } => m.serialize_entry("timers", timers)?,
            ReconnectLinkIssued { url, token } => {
                m.serialize_entry("url", url)?;
                m.serialize_entry("token", token)?;
            }
            ReconnectOffered { customer } => m.serialize_entry("customer", &**customer)?,
            NoReconnectOffer { redirect_url } | ReconnectWindowExpired { redirect_url } => {
                m.serialize_entry("redirect_url", &redirect_url.as_deref())?;
            }
            CustomerReconnected { participant, method, same_agent } => {
                m.serialize_entry("participant", &**participant)?;
                m.serialize_entry("method", method)?;
                m.serialize_entry("same_agent", same_agent)?;
            }
            ReconnectRefused { reason, redirect_url, start_new } => {
                m.serialize_entry("reason", reason)?;
                m.serialize_entry("redirect_url", &redirect_url.as_deref())?;
                m.serialize_entry("start_new", start_new)?;
            }
            CapacityChanged { agent, used, capacity } => {
                m.serialize_entry("agent", &**agent)?;
                m.serialize_entry("used", used)?;
                m.serialize_entry("capacity", capacity)?;
            }
            ExpiryWarning { timer, participant, deadline } => {
                m.serialize_entry("timer", timer)?;
                m.serialize_entry("participant", &participant.as_deref())?;
                m.serialize_entry("deadline", deadline)?;
                m.serialize_entry("transcript", &false)?;
            }
            ConversationInactive { since } => m.serialize_entry("since", since)?,
            HoldChanged { on_hold, reason } => {
                m.serialize_entry("on_hold", on_hold)?;
                m.serialize_entry("reason", reason)?;
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_field_order_and_nulls() {
        let e = Event {
            at: 5000,
            conversation: Some("c1".into()),
            kind: EventKind::StateChanged { from: State::Open, to: State::Active, reason: Reason::AgentJoined },
        };
        assert_eq!(
            e.to_json(),
            r#"{"at":5000,"type":"state_changed","conversation":"c1","from":"open","to":"active","reason":"agent_joined"}"#
        );
        let e = Event {
            at: 1,
            conversation: None,
            kind: EventKind::CapacityChanged { agent: "ag".into(), used: 1, capacity: None },
        };
        assert_eq!(e.to_json(), r#"{"at":1,"type":"capacity_changed","agent":"ag","used":1,"capacity":null}"#);
    }

    #[test]
    fn debug_never_shows_a_token() {
        let e = Event {
            at: 1,
            conversation: Some("c1".into()),
            kind: EventKind::ReconnectLinkIssued {
                url: Secret("https://x/#reconnect=crl1_SECRET".into()),
                token: Secret("crl1_SECRET".into()),
            },
        };
        let shown = format!("{e:?} {e:#?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(e.to_json().contains("crl1_SECRET"));
    }

    #[test]
    fn as_str_is_the_canonical_spelling() {
        for v in VisibleTo::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in ReconnectMethod::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in RefusedReason::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in crate::vocab::LeftReason::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in crate::vocab::Reason::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in crate::vocab::HoldReason::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for v in crate::vocab::Warned::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
    }

    #[test]
    fn every_type_name_is_distinct() {
        let mut names = EVENT_TYPES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EVENT_TYPES.len());
    }
}
