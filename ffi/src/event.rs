//! Events as C sees them: `chatlife_event`, a tagged struct of string views
//! into the last event polled, which the engine wrapper keeps alive
//! (`poll` hands them out).

use std::ptr;

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

impl From<&TimerSettings> for chatlife_timers {
    fn from(t: &TimerSettings) -> chatlife_timers {
        let minutes = |m: Option<chatlife::TimerMinutes>| m.map_or(0, |m| u32::from(m.minutes()));
        chatlife_timers {
            customer_idle: minutes(t.customer_idle),
            customer_auto_disconnect: minutes(t.customer_auto_disconnect),
            agent_idle: minutes(t.agent_idle),
            agent_auto_disconnect: minutes(t.agent_auto_disconnect),
        }
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
        Ok(TimerSettings {
            customer_idle: minutes("customer_idle", self.customer_idle)?,
            customer_auto_disconnect: minutes("customer_auto_disconnect", self.customer_auto_disconnect)?,
            agent_idle: minutes("agent_idle", self.agent_idle)?,
            agent_auto_disconnect: minutes("agent_auto_disconnect", self.agent_auto_disconnect)?,
        })
    }
}

/// The `type` of an event (docs/rules.md §10). Numbers are fixed and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl chatlife_event {
    fn blank(r#type: chatlife_event_type, event: &Event) -> chatlife_event {
        chatlife_event {
            r#type,
            at: event.at,
            type_name: chatlife_str::of(event.kind.type_name()),
            conversation: chatlife_str::of_option(event.conversation.as_deref()),
            policy: chatlife_str::ABSENT,
            customer: chatlife_str::ABSENT,
            from: chatlife_str::ABSENT,
            to: chatlife_str::ABSENT,
            reason: chatlife_str::ABSENT,
            participant: chatlife_str::ABSENT,
            role: chatlife_str::ABSENT,
            disconnected: ptr::null(),
            disconnected_len: 0,
            key: chatlife_str::ABSENT,
            text: chatlife_str::ABSENT,
            visible_to: chatlife_str::ABSENT,
            timers: chatlife_timers::default(),
            url: chatlife_str::ABSENT,
            token: chatlife_str::ABSENT,
            redirect_url: chatlife_str::ABSENT,
            method: chatlife_str::ABSENT,
            same_agent: false,
            start_new: false,
            agent: chatlife_str::ABSENT,
            used: 0,
            capacity: 0,
            capacity_bounded: false,
            timer: chatlife_str::ABSENT,
            deadline: 0,
            since: 0,
            on_hold: false,
        }
    }
}

/// The last event handed to C, owning everything its views point at. The
/// views point into heap memory (the boxed event, whose short ids are stored
/// inline, `names`, `disconnected`), never into this struct, so moving it
/// keeps them valid.
pub(crate) struct PolledEvent {
    pub(crate) event: Box<Event>,
    pub(crate) view: chatlife_event,
    /// Spellings of enum values the core gives only through serde.
    _names: Vec<String>,
    _disconnected: Vec<chatlife_str>,
    /// The canonical line plus a NUL, made on the first `chatlife_event_to_json`.
    pub(crate) json_nul: Option<String>,
}

/// The canonical spelling of a unit enum value, exactly as the JSON has it.
fn json_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => unreachable!("a unit enum value serializes to a string, not {other:?}"),
    }
}

impl PolledEvent {
    pub(crate) fn new(event: Event) -> PolledEvent {
        let event = Box::new(event);
        let mut names = Vec::new();
        let mut disconnected = Vec::new();
        let view = make_view(&event, &mut names, &mut disconnected);
        PolledEvent { event, view, _names: names, _disconnected: disconnected, json_nul: None }
    }

    /// What C sees; its views point into `self`.
    pub(crate) fn view(&self) -> chatlife_event {
        self.view
    }
}

/// Keeps `name` alive in `names` and returns a view of it.
fn keep(names: &mut Vec<String>, name: String) -> chatlife_str {
    let view = chatlife_str::of(&name);
    names.push(name);
    view
}

fn make_view(event: &Event, names: &mut Vec<String>, disconnected_ids: &mut Vec<chatlife_str>) -> chatlife_event {
    use chatlife_event_type as T;
    use EventKind as K;
    let s = chatlife_str::of;
    let blank = |t| chatlife_event::blank(t, event);
    match &event.kind {
        K::ConversationStarted { policy, customer } => {
            chatlife_event { policy: s(policy), customer: s(customer), ..blank(T::ConversationStarted) }
        }
        K::StateChanged { from, to, reason } => chatlife_event {
            from: s(from.as_str()),
            to: s(to.as_str()),
            reason: s(reason.as_str()),
            ..blank(T::StateChanged)
        },
        K::ParticipantJoined { participant, role } => {
            chatlife_event { participant: s(participant), role: s(role.as_str()), ..blank(T::ParticipantJoined) }
        }
        K::ParticipantLeft { participant, role, reason } => chatlife_event {
            participant: s(participant),
            role: s(role.as_str()),
            reason: keep(names, json_name(reason)),
            ..blank(T::ParticipantLeft)
        },
        K::ParticipantIdle { participant, role } => {
            chatlife_event { participant: s(participant), role: s(role.as_str()), ..blank(T::ParticipantIdle) }
        }
        K::ParticipantReturned { participant, role } => {
            chatlife_event { participant: s(participant), role: s(role.as_str()), ..blank(T::ParticipantReturned) }
        }
        K::AutoDisconnected { participant, role, disconnected } => {
            *disconnected_ids = disconnected.iter().map(|id| s(id)).collect();
            chatlife_event {
                participant: s(participant),
                role: s(role.as_str()),
                disconnected: disconnected_ids.as_ptr(),
                disconnected_len: disconnected_ids.len(),
                ..blank(T::AutoDisconnected)
            }
        }
        K::RoutedToDisconnectFlow => blank(T::RoutedToDisconnectFlow),
        K::BotDisconnectedBranch { participant } => {
            chatlife_event { participant: s(participant), ..blank(T::BotDisconnectedBranch) }
        }
        K::ConnectionLost { participant, role } => {
            chatlife_event { participant: s(participant), role: s(role.as_str()), ..blank(T::ConnectionLost) }
        }
        K::ConnectionRestored { participant, role } => {
            chatlife_event { participant: s(participant), role: s(role.as_str()), ..blank(T::ConnectionRestored) }
        }
        K::CustomerDisconnected { participant } => {
            chatlife_event { participant: s(participant), ..blank(T::CustomerDisconnected) }
        }
        K::TranscriptMessage { key, text, visible_to } => chatlife_event {
            key: s(key),
            text: s(text),
            visible_to: keep(names, json_name(visible_to)),
            ..blank(T::TranscriptMessage)
        },
        K::TimerConfigStored { timers } => chatlife_event { timers: timers.into(), ..blank(T::TimerConfigStored) },
        K::ReconnectLinkIssued { url, token } => {
            chatlife_event { url: s(url.expose()), token: s(token.expose()), ..blank(T::ReconnectLinkIssued) }
        }
        K::ReconnectOffered { customer } => chatlife_event { customer: s(customer), ..blank(T::ReconnectOffered) },
        K::NoReconnectOffer { redirect_url } => chatlife_event {
            redirect_url: chatlife_str::of_option(redirect_url.as_deref()),
            ..blank(T::NoReconnectOffer)
        },
        K::CustomerReconnected { participant, method, same_agent } => chatlife_event {
            participant: s(participant),
            method: keep(names, json_name(method)),
            same_agent: *same_agent,
            ..blank(T::CustomerReconnected)
        },
        K::ReconnectRefused { reason, redirect_url, start_new } => chatlife_event {
            reason: keep(names, json_name(reason)),
            redirect_url: chatlife_str::of_option(redirect_url.as_deref()),
            start_new: *start_new,
            ..blank(T::ReconnectRefused)
        },
        K::ReconnectWindowExpired { redirect_url } => chatlife_event {
            redirect_url: chatlife_str::of_option(redirect_url.as_deref()),
            ..blank(T::ReconnectWindowExpired)
        },
        K::CapacityChanged { agent, used, capacity } => chatlife_event {
            agent: s(agent),
            used: *used,
            capacity: capacity.unwrap_or(0),
            capacity_bounded: capacity.is_some(),
            ..blank(T::CapacityChanged)
        },
        K::ExpiryWarning { timer, participant, deadline } => chatlife_event {
            timer: s(timer.as_str()),
            participant: chatlife_str::of_option(participant.as_deref()),
            deadline: *deadline,
            ..blank(T::ExpiryWarning)
        },
        K::ConversationInactive { since } => chatlife_event { since: *since, ..blank(T::ConversationInactive) },
        K::HoldChanged { on_hold, reason } => {
            chatlife_event { on_hold: *on_hold, reason: s(reason.as_str()), ..blank(T::HoldChanged) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of a scenario that shows every type: the view's type
    /// number is the core's index, and its views spell the canonical JSON.
    #[test]
    fn views_match_the_canonical_json() {
        let mut engine = chatlife::Engine::from_json(
            r#"{"seed": 3, "agents": {"default_capacity": 2},
                "policies": {"default": {"timers": {"customer_idle": 2, "agent_idle": 2, "agent_auto_disconnect": 3},
                "reconnect": {"enabled": true, "portal_url": "https://x/chat", "redirect_url": "https://x/new"}}}}"#,
        )
        .unwrap();
        let opts = chatlife::StartOptions { authenticated_as: Some("id-1"), ..Default::default() };
        engine.start_conversation(0, "c1", "cu", opts).unwrap();
        engine.join(1000, "c1", "ag", chatlife::Role::Agent, Some("Ann")).unwrap();
        engine.issue_reconnect_link(2000, "c1").unwrap();
        engine.connection_lost(3000, "c1", "cu").unwrap();
        engine.advance(20 * 60_000).unwrap();
        engine.returning_customer(21 * 60_000, "id-1").unwrap();
        engine.set_participant_timers(22 * 60_000, "c1", chatlife::TimerSettings::default()).unwrap();
        let seen = assert_views_match(&mut engine);
        assert!(seen.len() >= 10, "the scenario should show many types, saw {seen:?}");
    }

    /// The v2 events (§12–§14): a warning with and without a participant,
    /// inactivity, and a hold that begins and ends.
    #[test]
    fn v2_views_match_the_canonical_json() {
        let mut engine = chatlife::Engine::from_json(
            r#"{"policies": {"default": {"timers": {"customer_auto_disconnect": 20},
                "warnings": {"customer_auto_disconnect": ["15m"], "inactivity": ["2m"]},
                "inactivity": {"after": "10m"}, "hold": {"enabled": true}}}}"#,
        )
        .unwrap();
        engine.start_conversation(0, "c1", "cu", Default::default()).unwrap();
        engine.join(0, "c1", "ag", chatlife::Role::Agent, None).unwrap();
        engine.advance(9 * 60_000).unwrap();
        engine.hold(9 * 60_000, "c1", "ag").unwrap();
        engine.resume(9 * 60_000 + 1, "c1", "ag").unwrap();
        engine.advance(60 * 60_000).unwrap();
        let seen = assert_views_match(&mut engine);
        for index in [21, 22, 23] {
            assert!(seen.contains(&index), "type {index} missing from {seen:?}");
        }
    }

    /// Checks every pending event's view against its JSON; returns the type
    /// numbers seen.
    fn assert_views_match(engine: &mut chatlife::Engine) -> std::collections::BTreeSet<usize> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(event) = engine.poll_event() {
            let index = event.kind.type_index();
            let json = event.to_value();
            let polled = PolledEvent::new(event);
            let view = polled.view;
            assert_eq!(view.r#type as usize, index);
            assert_eq!(view_text(view.type_name), json["type"].as_str().unwrap());
            for (key, value) in json.as_object().unwrap() {
                let shown = match key.as_str() {
                    "at" => Some(view.at.into()),
                    "type" | "transcript" => None,
                    "timers" => {
                        let t = view.timers;
                        let minutes = |m: u32| if m == 0 { serde_json::Value::Null } else { m.into() };
                        Some(serde_json::json!({
                            "customer_idle": minutes(t.customer_idle),
                            "customer_auto_disconnect": minutes(t.customer_auto_disconnect),
                            "agent_idle": minutes(t.agent_idle),
                            "agent_auto_disconnect": minutes(t.agent_auto_disconnect),
                        }))
                    }
                    "disconnected" => Some(
                        // SAFETY: the view's array lives as long as `polled`.
                        unsafe { std::slice::from_raw_parts(view.disconnected, view.disconnected_len) }
                            .iter()
                            .map(|s| serde_json::Value::from(view_text(*s)))
                            .collect(),
                    ),
                    "used" => Some(view.used.into()),
                    "capacity" => {
                        Some(if view.capacity_bounded { view.capacity.into() } else { serde_json::Value::Null })
                    }
                    "same_agent" => Some(view.same_agent.into()),
                    "start_new" => Some(view.start_new.into()),
                    "deadline" => Some(view.deadline.into()),
                    "since" => Some(view.since.into()),
                    "on_hold" => Some(view.on_hold.into()),
                    other => Some(field(&view, other)),
                };
                if let Some(shown) = shown {
                    assert_eq!(&shown, value, "{key} of {json}");
                }
            }
            seen.insert(index);
        }
        seen
    }

    fn view_text(s: chatlife_str) -> &'static str {
        // SAFETY: test views point into events alive for the whole assertion.
        unsafe { std::str::from_utf8(std::slice::from_raw_parts(s.data.cast(), s.len)).unwrap() }
    }

    fn field(view: &chatlife_event, name: &str) -> serde_json::Value {
        let s = match name {
            "conversation" => view.conversation,
            "policy" => view.policy,
            "customer" => view.customer,
            "from" => view.from,
            "to" => view.to,
            "reason" => view.reason,
            "participant" => view.participant,
            "role" => view.role,
            "key" => view.key,
            "text" => view.text,
            "visible_to" => view.visible_to,
            "url" => view.url,
            "token" => view.token,
            "redirect_url" => view.redirect_url,
            "method" => view.method,
            "agent" => view.agent,
            "timer" => view.timer,
            other => panic!("no view for {other}"),
        };
        if s.data.is_null() {
            serde_json::Value::Null
        } else {
            view_text(s).into()
        }
    }

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
        assert_eq!(e.message_for_tests(), "timers.agent_idle: 481 is above 480");
        let e = chatlife_timers { customer_idle: 1, ..timers }.to_settings().unwrap_err();
        assert_eq!(e.message_for_tests(), "timers.customer_idle: 1 is below 2");
    }
}
