//! Events as C sees them: `chatlife_event`, a tagged struct of string views
//! into the last event polled, which the engine wrapper keeps alive
//! (`poll` hands them out).

use chatlife::TimerSettings;
use chatlife::{Event, EventKind};

use crate::error::Failure;
use crate::text::chatlife_str;

/// The four participant timers of docs/rules.md R-T1, in whole minutes; 0 means the
/// timer is off (a set timer is 2–480, so 0 is never a real value).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct chatlife_timers {
    pub customer_idle: u32,
    pub customer_auto_disconnect: u32,
    pub agent_idle: u32,
    pub agent_auto_disconnect: u32,
}

/// Both ways between `chatlife_timers` and the core's settings, each timer
/// named once.
macro_rules! timers_both_ways {
    ($($timer:ident),*) => {
        impl From<&TimerSettings> for chatlife_timers {
            fn from(t: &TimerSettings) -> chatlife_timers {
                chatlife_timers { $( $timer: t.$timer.map_or(0, |m| u32::from(m.minutes())) ),* }
            }
        }

        impl chatlife_timers {
            /// The core's settings; a value outside 2–480 is refused by the core's own
            /// rule, with the field named as in the JSON form (`timers.agent_idle`).
            pub(crate) fn to_settings(self) -> Result<TimerSettings, Failure> {
                let minutes = |name: &str, value: u32| match value {
                    0 => Ok(None),
                    n => chatlife::TimerMinutes::new(i64::from(n))
                        .map(Some)
                        .map_err(|problem| Failure::invalid_argument(format!("timers.{name}: {problem}"))),
                };
                Ok(TimerSettings { $( $timer: minutes(stringify!($timer), self.$timer)? ),* })
            }
        }
    };
}

timers_both_ways!(customer_idle, customer_auto_disconnect, agent_idle, agent_auto_disconnect);

/// The `type` of an event (docs/rules.md §10). Numbers are fixed and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::FromRepr)]
pub enum chatlife_event_type {
    ConversationStarted = 0,
    StateChanged = 1,
    ParticipantJoined = 2,
    ParticipantLeft = 3,
    ParticipantIdle = 4,
    ParticipantReturned = 5,
    AutoDisconnected = 6,
    RoutedToDisconnectFlow = 7,
    BotDisconnectedBranch = 8,
    ConnectionLost = 9,
    ConnectionRestored = 10,
    CustomerDisconnected = 11,
    TranscriptMessage = 12,
    TimerConfigStored = 13,
    ReconnectLinkIssued = 14,
    ReconnectOffered = 15,
    NoReconnectOffer = 16,
    CustomerReconnected = 17,
    ReconnectRefused = 18,
    ReconnectWindowExpired = 19,
    CapacityChanged = 20,
    ExpiryWarning = 21,
    ConversationInactive = 22,
    HoldChanged = 23,
}

/// One event, as filled in by `chatlife_poll_event`.
///
/// `type` says which fields are set; the others are absent views (`data`
/// NULL), 0 or false. Field names and string values are those of the
/// canonical JSON (docs/rules.md §10), and `chatlife_event_to_json` gives that line.
/// Every view stays valid until the next `chatlife_poll_event` or
/// `chatlife_apply_many` on the same engine, or `chatlife_engine_free`,
/// whichever comes first; copy what you keep.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatlife_event {
    pub r#type: chatlife_event_type,
    /// Milliseconds: the deadline for a timer event, the command's `now` otherwise.
    pub at: u64,
    /// The `type` as its snake_case name (`"state_changed"`).
    pub type_name: chatlife_str,
    /// Absent for `capacity_changed`, `no_reconnect_offer` and a
    /// `reconnect_refused` that must not say which conversation a token
    /// named (R-RC10): JSON `null` or no field.
    pub conversation: chatlife_str,
    /// `conversation_started`.
    pub policy: chatlife_str,
    /// `conversation_started`, `reconnect_offered`.
    pub customer: chatlife_str,
    /// `state_changed`: the states (`"open"`, `"active"`, `"waiting"`, `"wrap_up"`, `"closed"`).
    pub from: chatlife_str,
    pub to: chatlife_str,
    /// `state_changed`, `participant_left`, `reconnect_refused`, `hold_changed`.
    pub reason: chatlife_str,
    /// Participant events, `auto_disconnected`, `bot_disconnected_branch`,
    /// `customer_disconnected`, `customer_reconnected`, `expiry_warning`.
    pub participant: chatlife_str,
    /// `"customer"`, `"agent"`, `"supervisor"` or `"bot"`, with `participant`
    /// where docs/rules.md §10 lists it.
    pub role: chatlife_str,
    /// `auto_disconnected`: the ids removed, `disconnected_len` of them.
    pub disconnected: *const chatlife_str,
    pub disconnected_len: usize,
    /// `transcript_message`.
    pub key: chatlife_str,
    pub text: chatlife_str,
    pub visible_to: chatlife_str,
    /// `timer_config_stored`: the whole stored configuration.
    pub timers: chatlife_timers,
    /// `reconnect_link_issued`. Secrets: never log them.
    pub url: chatlife_str,
    pub token: chatlife_str,
    /// `no_reconnect_offer`, `reconnect_refused`, `reconnect_window_expired`;
    /// absent when JSON has `null`.
    pub redirect_url: chatlife_str,
    /// `customer_reconnected`: `"link"` or `"prompt"`, and `same_agent`.
    pub method: chatlife_str,
    pub same_agent: bool,
    /// `reconnect_refused`.
    pub start_new: bool,
    /// `capacity_changed`: units `used` of `capacity`; `capacity_bounded` is
    /// false when the agent's capacity is unbounded (JSON `null`).
    pub agent: chatlife_str,
    pub used: u32,
    pub capacity: u32,
    pub capacity_bounded: bool,
    // Fields added by SPEC v2 (§12–§14); the struct grows at its end only.
    /// `expiry_warning`: which timer (`"customer_auto_disconnect"`,
    /// `"agent_auto_disconnect"`, `"inactivity"`, `"hold"`, `"auto_close"`,
    /// `"max_duration"`, `"reconnect_window"`) ends at `deadline` (ms). Its
    /// `participant` is absent for the conversation's own timers.
    pub timer: chatlife_str,
    pub deadline: u64,
    /// `conversation_inactive`: when the inactivity timer last (re)started, in ms.
    pub since: u64,
    /// `hold_changed`: whether the conversation is now on hold; why is in
    /// `reason` (`"agent"`, `"customer_message"`, `"customer_returned"`,
    /// `"customer_inactive"`), as the JSON has it.
    pub on_hold: bool,
}

// Numbered as the core indexes them (`EventKind::type_index`).
numbered_as_core!(enum chatlife_event_type, 0, chatlife::EVENT_TYPES);

/// The last event handed to C, owning everything its views point at. The
/// views point into heap memory (the event, whose short ids are stored
/// inline, and `disconnected`), never into this struct, so moving it keeps
/// them valid. The event is an `Arc`, not a `Box`: moving a `Box` asserts it
/// is the only pointer to its event, which the views are too (Miri's rule).
pub(crate) struct PolledEvent {
    pub(crate) event: std::sync::Arc<Event>,
    pub(crate) view: chatlife_event,
    _disconnected: Vec<chatlife_str>,
    /// The canonical line plus a NUL, made on the first `chatlife_event_to_json`.
    pub(crate) json_nul: Option<String>,
}

impl PolledEvent {
    pub(crate) fn new(event: Event) -> PolledEvent {
        use EventKind as K;
        let event = std::sync::Arc::new(event);
        let mut disconnected_ids = Vec::new();
        let (s, o) = (chatlife_str::of, chatlife_str::of_option);
        let mut v = chatlife_event {
            r#type: chatlife_event_type::from_repr(event.kind.type_index() as u32).expect("numbered as the core"),
            at: event.at,
            type_name: s(event.kind.type_name()),
            conversation: o(event.conversation.as_deref()),
            // SAFETY: every other field is an integer, a bool, a raw pointer,
            // a struct of those (`chatlife_str::ABSENT` is all zero) or
            // `chatlife_event_type`, whose 0 is a variant: all zero is a
            // valid value of each, and what a C caller reads as absent.
            ..unsafe { std::mem::zeroed() }
        };
        match &event.kind {
            K::ConversationStarted { policy, customer } => (v.policy, v.customer) = (s(policy), s(customer)),
            K::StateChanged { from, to, reason } => {
                (v.from, v.to, v.reason) = (s(from.as_str()), s(to.as_str()), s(reason.as_str()));
            }
            K::ParticipantJoined { participant, role }
            | K::ParticipantIdle { participant, role }
            | K::ParticipantReturned { participant, role }
            | K::ConnectionLost { participant, role }
            | K::ConnectionRestored { participant, role } => {
                (v.participant, v.role) = (s(participant), s(role.as_str()))
            }
            K::ParticipantLeft { participant, role, reason } => {
                (v.participant, v.role, v.reason) = (s(participant), s(role.as_str()), s(reason.as_str()));
            }
            K::AutoDisconnected { participant, role, disconnected } => {
                disconnected_ids = disconnected.iter().map(|id| s(id)).collect();
                (v.participant, v.role) = (s(participant), s(role.as_str()));
                (v.disconnected, v.disconnected_len) = (disconnected_ids.as_ptr(), disconnected_ids.len());
            }
            K::RoutedToDisconnectFlow => {}
            K::BotDisconnectedBranch { participant } | K::CustomerDisconnected { participant } => {
                v.participant = s(participant);
            }
            K::TranscriptMessage { key, text, visible_to } => {
                (v.key, v.text, v.visible_to) = (s(key), s(text), s(visible_to.as_str()));
            }
            K::TimerConfigStored { timers } => v.timers = timers.into(),
            K::ReconnectLinkIssued { url, token } => (v.url, v.token) = (s(url.expose()), s(token.expose())),
            K::ReconnectOffered { customer } => v.customer = s(customer),
            K::NoReconnectOffer { redirect_url } | K::ReconnectWindowExpired { redirect_url } => {
                v.redirect_url = o(redirect_url.as_deref());
            }
            K::CustomerReconnected { participant, method, same_agent } => {
                (v.participant, v.method, v.same_agent) = (s(participant), s(method.as_str()), *same_agent);
            }
            K::ReconnectRefused { reason, redirect_url, start_new } => {
                (v.reason, v.redirect_url, v.start_new) = (s(reason.as_str()), o(redirect_url.as_deref()), *start_new);
            }
            K::CapacityChanged { agent, used, capacity } => {
                (v.agent, v.used) = (s(agent), *used);
                (v.capacity, v.capacity_bounded) = (capacity.unwrap_or(0), capacity.is_some());
            }
            K::ExpiryWarning { timer, participant, deadline } => {
                (v.timer, v.participant, v.deadline) = (s(timer.as_str()), o(participant.as_deref()), *deadline);
            }
            K::ConversationInactive { since } => v.since = *since,
            K::HoldChanged { on_hold, reason } => (v.on_hold, v.reason) = (*on_hold, s(reason.as_str())),
        }
        PolledEvent { event, view: v, _disconnected: disconnected_ids, json_nul: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each view against its canonical line, field by field, is checked by
    // tests/c/chatlife-run.cpp (check_struct_matches_line) for every event
    // of every conformance scenario, which show every event type.

    #[test]
    fn timers_round_trip_and_refuse_out_of_range_minutes() {
        let timers = chatlife_timers {
            customer_idle: 2,
            customer_auto_disconnect: 0,
            agent_idle: 480,
            agent_auto_disconnect: 9,
        };
        assert_eq!(chatlife_timers::from(&timers.to_settings().unwrap()), timers);
        let e = chatlife_timers { agent_idle: 481, ..timers }.to_settings().unwrap_err();
        assert_eq!(e.message, "timers.agent_idle: 481 is above 480");
        let e = chatlife_timers { customer_idle: 1, ..timers }.to_settings().unwrap_err();
        assert_eq!(e.message, "timers.customer_idle: 1 is below 2");
    }
}
