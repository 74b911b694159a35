//! The per-conversation record: its state (SPEC §3), its participants and the
//! keys of every timer it owns. The rules that move it live in `engine`; this
//! module holds the vocabulary and the data.

use serde::{Deserialize, Serialize};

use crate::policy::TimerSettings;
use crate::reconnect::TokenRecord;
use crate::time::Millis;
use crate::wheel::TimerKey;

/// Longest id or display name, in bytes (SPEC §2).
pub const MAX_ID_BYTES: usize = 256;
/// Most participants a conversation remembers, present or gone.
pub const MAX_PARTICIPANTS: usize = 64;

/// Checks an id: 1–256 bytes of UTF-8 without control characters. Returns the
/// problem, for the caller to put behind the field name.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("must not be empty".into())
    } else if id.len() > MAX_ID_BYTES {
        Err(format!("is {} bytes, above the limit of {MAX_ID_BYTES}", id.len()))
    } else if has_control(id.as_bytes()) {
        Err("must not contain control characters".into())
    } else {
        Ok(())
    }
}

/// `char::is_control` over UTF-8 bytes without decoding: C0 and DEL are single
/// bytes, C1 (U+0080–U+009F) is 0xC2 followed by 0x80–0x9F.
fn has_control(bytes: &[u8]) -> bool {
    // Printable ASCII, the usual id, in one vectorizable pass.
    if bytes.iter().all(|b| (0x20..0x7F).contains(b)) {
        return false;
    }
    bytes
        .iter()
        .zip(bytes.iter().skip(1).chain([&0]))
        .any(|(&b, &next)| b < 0x20 || b == 0x7F || (b == 0xC2 && (0x80..=0x9F).contains(&next)))
}

/// Ids of conversations, participants, agents and identities: up to 23 bytes
/// live inline (no allocation, no pointer to follow when comparing), longer
/// ones behind a shared pointer.
pub type Id = smol_str::SmolStr;

/// A display name or identity, which most conversations lack: behind a thin
/// pointer, so that a record without one spends 8 bytes on it, not 24.
pub type RareId = Option<Box<Id>>;

pub fn rare_id(text: Option<&str>) -> RareId {
    text.map(|text| Box::new(text.into()))
}

/// Hasher of the engine's id maps: fast, and randomly seeded per map. Maps are
/// never iterated into output, so the seed cannot change what the engine says.
pub type IdHasher = foldhash::quality::RandomState;

/// Conversation states of the Dynamics 365 model (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Active,
    Waiting,
    WrapUp,
    Closed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Active => "active",
            State::Waiting => "waiting",
            State::WrapUp => "wrap_up",
            State::Closed => "closed",
        }
    }

    /// Open, active or waiting: the chat has not ended yet.
    pub fn is_live(self) -> bool {
        matches!(self, State::Open | State::Active | State::Waiting)
    }
}

/// Participant roles (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    Supervisor,
    Bot,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Bot => "bot",
        }
    }

    /// Agents and bots are the "other side" whose presence runs the timers (R-T3).
    pub fn serves(self) -> bool {
        matches!(self, Role::Agent | Role::Bot)
    }
}

/// Why a state changed (SPEC §3 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    AgentJoined,
    CustomerEnded,
    CustomerDisconnected,
    AutoClose,
    MaxDuration,
    AgentEnded,
    ReconnectWindowExpired,
    CustomerDeclinedReconnect,
    AutoDisconnected,
    AgentLeft,
    AgentDisconnected,
    DisconnectFlow,
    AgentClosedSession,
    CustomerReturned,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AgentJoined => "agent_joined",
            Reason::CustomerEnded => "customer_ended",
            Reason::CustomerDisconnected => "customer_disconnected",
            Reason::AutoClose => "auto_close",
            Reason::MaxDuration => "max_duration",
            Reason::AgentEnded => "agent_ended",
            Reason::ReconnectWindowExpired => "reconnect_window_expired",
            Reason::CustomerDeclinedReconnect => "customer_declined_reconnect",
            Reason::AutoDisconnected => "auto_disconnected",
            Reason::AgentLeft => "agent_left",
            Reason::AgentDisconnected => "agent_disconnected",
            Reason::DisconnectFlow => "disconnect_flow",
            Reason::AgentClosedSession => "agent_closed_session",
            Reason::CustomerReturned => "customer_returned",
        }
    }
}

/// Why a participant left (SPEC §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    Left,
    Ended,
    Disconnected,
    AutoDisconnected,
}

impl LeftReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftReason::Left => "left",
            LeftReason::Ended => "ended",
            LeftReason::Disconnected => "disconnected",
            LeftReason::AutoDisconnected => "auto_disconnected",
        }
    }
}

/// What a flow's Wait block waits for (R-T9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitFor {
    #[default]
    None,
    Customer,
    Bot,
}

impl State {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [State; 5] = [State::Open, State::Active, State::Waiting, State::WrapUp, State::Closed];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(State) = |v| match v {
    State::Open | State::Active | State::Waiting | State::WrapUp | State::Closed => (),
};

impl Role {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [Role; 4] = [Role::Customer, Role::Agent, Role::Supervisor, Role::Bot];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(Role) = |v| match v {
    Role::Customer | Role::Agent | Role::Supervisor | Role::Bot => (),
};

impl Reason {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [Reason; 14] = [
        Reason::AgentJoined,
        Reason::CustomerEnded,
        Reason::CustomerDisconnected,
        Reason::AutoClose,
        Reason::MaxDuration,
        Reason::AgentEnded,
        Reason::ReconnectWindowExpired,
        Reason::CustomerDeclinedReconnect,
        Reason::AutoDisconnected,
        Reason::AgentLeft,
        Reason::AgentDisconnected,
        Reason::DisconnectFlow,
        Reason::AgentClosedSession,
        Reason::CustomerReturned,
    ];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(Reason) = |v| match v {
    Reason::AgentJoined
    | Reason::CustomerEnded
    | Reason::CustomerDisconnected
    | Reason::AutoClose
    | Reason::MaxDuration
    | Reason::AgentEnded
    | Reason::ReconnectWindowExpired
    | Reason::CustomerDeclinedReconnect
    | Reason::AutoDisconnected
    | Reason::AgentLeft
    | Reason::AgentDisconnected
    | Reason::DisconnectFlow
    | Reason::AgentClosedSession
    | Reason::CustomerReturned => (),
};

impl LeftReason {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [LeftReason; 4] =
        [LeftReason::Left, LeftReason::Ended, LeftReason::Disconnected, LeftReason::AutoDisconnected];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(LeftReason) = |v| match v {
    LeftReason::Left | LeftReason::Ended | LeftReason::Disconnected | LeftReason::AutoDisconnected => (),
};

impl WaitFor {
    /// Every value, in declaration order (the order bindings list them in).
    pub const ALL: [WaitFor; 3] = [WaitFor::None, WaitFor::Customer, WaitFor::Bot];
}

// A new variant stops compilation here until `ALL` lists it.
const _: fn(WaitFor) = |v| match v {
    WaitFor::None | WaitFor::Customer | WaitFor::Bot => (),
};

/// The transport as the engine knows it (R-D1–R-D3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    Connected,
    /// Lost at this time; the grace timer runs.
    Lost(Millis),
    /// The grace ran out; only a reconnect brings the customer back.
    Disconnected(Millis),
}

/// Which participant timer runs now (R-T5): one at a time per participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityPhase {
    Idle,
    AutoDisconnect,
}

/// How the chat ended, as a reconnect attempt must explain it (R-RC9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finish {
    /// Somebody ended it: End, close, decline, auto-close, auto-disconnect.
    Ended,
    /// The customer stayed away too long (grace or reconnect window ran out).
    Expired,
}

// Timer keys are not saved with the record: snapshots list the timers from the
// wheel, with their deadlines and arming order, and re-arm them on restore.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub id: Id,
    pub role: Role,
    pub display_name: RareId,
    /// Gone participants keep their slot so timer payloads stay valid.
    pub present: bool,
    pub idle: bool,
    pub connection: Connection,
    /// The idle or auto-disconnect timer, per `phase`.
    #[serde(skip)]
    pub activity: Option<TimerKey>,
    /// The deadline of `activity`, kept here so that the reset of every
    /// message moves it without reading the wheel (`Wheel::postpone`).
    #[serde(skip)]
    pub activity_due: Millis,
    pub phase: ActivityPhase,
    #[serde(skip)]
    pub grace: Option<TimerKey>,
}

impl Participant {
    pub fn new(id: Id, role: Role, display_name: RareId) -> Participant {
        Participant {
            id,
            role,
            display_name,
            present: true,
            idle: false,
            connection: Connection::Connected,
            activity: None,
            activity_due: 0,
            phase: ActivityPhase::Idle,
            grace: None,
        }
    }

    /// The name shown in transcript messages: the display name, else the id.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.id)
    }
}

/// Participants of one conversation: two inline, more on the heap.
pub type Participants = smallvec::SmallVec<[Participant; 2]>;

/// Index of the customer in `Conversation::participants`.
pub const CUSTOMER: usize = 0;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    pub id: Id,
    pub policy: usize,
    pub state: State,
    /// `participants[CUSTOMER]` is the customer; the rest in join order. The
    /// customer and one agent or bot sit inside the record itself: a message
    /// finds its sender without touching another cache line.
    pub participants: Participants,
    pub authenticated_as: RareId,
    /// The agent who holds the chat, kept through wrap-up until it closes.
    pub assigned_agent: Option<usize>,
    /// Capacity units this conversation holds on `assigned_agent`.
    pub held_units: u32,
    /// What `set_participant_timers`/`update_participant_role_config` stored (R-T4).
    pub stored_timers: TimerSettings,
    /// The configuration taken at the last agent/bot join; `None` when no timers run.
    pub running_timers: Option<TimerSettings>,
    pub wait: WaitFor,
    pub finish: Option<Finish>,
    /// Links issued, most chats none: a thin vector (8 bytes when empty).
    pub tokens: thin_vec::ThinVec<TokenRecord>,
    #[serde(skip)]
    pub window: Option<TimerKey>,
    #[serde(skip)]
    pub auto_close: Option<TimerKey>,
    #[serde(skip)]
    pub capacity_block: Option<TimerKey>,
    #[serde(skip)]
    pub max_duration: Option<TimerKey>,
    #[serde(skip)]
    pub forget: Option<TimerKey>,
}

impl Conversation {
    /// A new chat in `open` with its customer and nothing running yet.
    pub fn new(
        id: Id,
        policy: usize,
        customer: Participant,
        authenticated_as: RareId,
        stored_timers: TimerSettings,
    ) -> Conversation {
        Conversation {
            id,
            policy,
            state: State::Open,
            participants: smallvec::smallvec![customer],
            authenticated_as,
            assigned_agent: None,
            held_units: 0,
            stored_timers,
            running_timers: None,
            wait: WaitFor::None,
            finish: None,
            tokens: thin_vec::ThinVec::new(),
            window: None,
            auto_close: None,
            capacity_block: None,
            max_duration: None,
            forget: None,
        }
    }

    /// Who the customer signed in as, if they did.
    pub fn identity(&self) -> Option<&str> {
        self.authenticated_as.as_deref().map(Id::as_str)
    }

    pub fn customer(&self) -> &Participant {
        &self.participants[CUSTOMER]
    }

    /// Index of the present participant with this id.
    pub fn find_present(&self, id: &str) -> Option<usize> {
        self.participants.iter().position(|p| p.present && p.id == id)
    }

    /// Present agents and bots, the side that keeps participant timers running.
    pub fn has_server(&self) -> bool {
        self.participants.iter().any(|p| p.present && p.role.serves())
    }

    /// Every timer key this conversation owns, to read.
    pub fn timer_keys(&self) -> impl Iterator<Item = Option<TimerKey>> + '_ {
        let own = [self.window, self.auto_close, self.capacity_block, self.max_duration, self.forget];
        own.into_iter().chain(self.participants.iter().flat_map(|p| [p.activity, p.grace]))
    }

    /// Every timer key this conversation owns, for cancelling and moving them.
    pub fn timer_keys_mut(&mut self) -> impl Iterator<Item = &mut Option<TimerKey>> {
        let own = [
            &mut self.window,
            &mut self.auto_close,
            &mut self.capacity_block,
            &mut self.max_duration,
            &mut self.forget,
        ];
        let per_participant = self.participants.iter_mut().flat_map(|p| [&mut p.activity, &mut p.grace]);
        own.into_iter().chain(per_participant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_match_char_is_control() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let id = format!("a{c}b");
            assert_eq!(has_control(id.as_bytes()), c.is_control(), "{c:?}");
        }
        assert!(check_id("x\u{85}").is_err());
        assert!(check_id("Grüße").is_ok());
    }
}
