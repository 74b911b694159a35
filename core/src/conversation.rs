//! The per-conversation record: its state (docs/rules.md §3), its participants and the
//! keys of every timer it owns. The rules that move it live in `engine`; this
//! module holds the vocabulary and the data.

use serde::{Deserialize, Serialize};

use crate::config::TimerSettings;
use crate::id::{Id, RareId};
use crate::time::{Millis, MAX_TIME};
use crate::token::TokenRecord;
use crate::vocab::{Role, State, WaitFor, Warned};
use crate::wheel::TimerKey;

/// What a timer is for; it comes back with the timer when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerFor {
    /// The idle or auto-disconnect timer of participant `n` (per its `phase`).
    Activity(u8),
    /// The connection grace of participant `n`.
    Grace(u8),
    ReconnectWindow,
    AutoClose,
    CapacityBlock,
    MaxDuration,
    /// Forget a closed conversation (S1).
    Forget,
    /// Conversation inactivity (I1).
    Inactivity,
    /// `hold.auto_close` (H3).
    HoldAutoClose,
    /// The warning before `Warned`'s timer ends something, for its lead
    /// number `n` in the policy, longest first (W1).
    Warning(Warned, u8),
}

/// The key of one pending warning (W1): most conversations have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarningSlot {
    pub warned: Warned,
    pub lead: u8,
    pub key: Option<TimerKey>,
}

/// The key of one of a conversation's own timers: what it is for, and the
/// key while it is armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnTimer {
    pub what: TimerFor,
    pub key: Option<TimerKey>,
}

/// The payload of a timer in the wheel: whose it is and what for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerRef {
    pub conversation: u32,
    pub what: TimerFor,
}

// A chat keeps two live timers, so this is the wheel's share of bytes per
// chat (bench/NOTES.md, round 4); a larger `TimerFor` would grow every entry.
const _: () = assert!(crate::wheel::entry_bytes::<TimerRef>() == 32, "wheel entries stay 32 bytes");

/// Most participants a conversation remembers, present or gone.
pub const MAX_PARTICIPANTS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    Connected,
    /// Lost at this time; the grace timer runs.
    Lost(Millis),
    /// The grace ran out; only a reconnect brings the customer back.
    Disconnected(Millis),
}

/// A [`Connection`] in 8 bytes rather than 16, a participant being 64 bytes
/// with it instead of 72: the state in the top two bits, the time (at most
/// `MAX_TIME`, 53 bits) below. Snapshots keep the enum's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Connection", try_from = "Connection")]
pub struct PackedConnection(u64);

const LOST: u64 = 1 << 62;
const DISCONNECTED: u64 = 2 << 62;
const SINCE: u64 = (1 << 62) - 1;

impl PackedConnection {
    pub fn get(self) -> Connection {
        let since = self.0 & SINCE;
        match self.0 & !SINCE {
            LOST => Connection::Lost(since),
            DISCONNECTED => Connection::Disconnected(since),
            _ => Connection::Connected,
        }
    }
}

impl PackedConnection {
    /// Packs a time of at most `MAX_TIME`; every `now` the engine takes is.
    fn new(c: Connection) -> PackedConnection {
        let (tag, since) = match c {
            Connection::Connected => (0, 0),
            Connection::Lost(since) => (LOST, since),
            Connection::Disconnected(since) => (DISCONNECTED, since),
        };
        debug_assert!(since <= MAX_TIME, "{since} above MAX_TIME");
        PackedConnection(tag | (since & SINCE))
    }
}

/// A snapshot's connection, whose time may be anything.
impl TryFrom<Connection> for PackedConnection {
    type Error = String;
    fn try_from(c: Connection) -> Result<PackedConnection, String> {
        match c {
            Connection::Lost(since) | Connection::Disconnected(since) if since > MAX_TIME => {
                Err(format!("{since} is above {MAX_TIME}"))
            }
            c => Ok(PackedConnection::new(c)),
        }
    }
}

impl From<PackedConnection> for Connection {
    fn from(packed: PackedConnection) -> Connection {
        packed.get()
    }
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
    connection: PackedConnection,
    /// The idle or auto-disconnect timer, per `phase`.
    #[serde(skip)]
    pub activity: Option<TimerKey>,
    /// The deadline of `activity`, kept here so that the reset of every
    /// message moves it without reading the wheel (`Wheel::postpone`).
    #[serde(skip)]
    pub activity_due: Millis,
    pub phase: ActivityPhase,
    // The connection grace's key is with the conversation's own timers: few
    // participants ever lose their connection.
}

impl Participant {
    pub fn new(id: Id, role: Role, display_name: RareId) -> Participant {
        Participant {
            id,
            role,
            display_name,
            present: true,
            idle: false,
            connection: PackedConnection(0),
            activity: None,
            activity_due: 0,
            phase: ActivityPhase::Idle,
        }
    }

    pub fn connection(&self) -> Connection {
        self.connection.get()
    }

    pub fn set_connection(&mut self, connection: Connection) {
        self.connection = PackedConnection::new(connection);
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
    /// Index into the configuration's policies (four bytes: a record's size
    /// counts a million times).
    pub policy: u32,
    pub state: State,
    /// `participants[CUSTOMER]` is the customer; the rest in join order. The
    /// customer and one agent or bot sit inside the record itself: a message
    /// finds its sender without touching another cache line.
    pub participants: Participants,
    pub authenticated_as: RareId,
    /// The agent who holds the chat, kept through wrap-up until it closes.
    /// (Its participant index, in four bytes: see `assigned_agent()`.)
    assigned_agent: Option<u32>,
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
    /// Keys of the timers other than participant activity and warnings
    /// (connection graces, reconnect window, auto-close, capacity block, max
    /// duration, forget, inactivity, hold auto-close), each added on its
    /// first arming: most chats run none of them, and nine inline keys (two
    /// participants) cost every record 72 bytes.
    #[serde(skip)]
    pub own_timers: thin_vec::ThinVec<OwnTimer>,
    /// Parked by the agent or by H4 (§14); the state stays `active`.
    #[serde(default)]
    pub on_hold: bool,
    #[serde(skip)]
    pub warnings: thin_vec::ThinVec<WarningSlot>,
}

impl Conversation {
    /// A new chat in `open` with its customer and nothing running yet.
    pub fn new(
        id: Id,
        policy: u32,
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
            own_timers: thin_vec::ThinVec::new(),
            on_hold: false,
            warnings: thin_vec::ThinVec::new(),
        }
    }

    /// The participant index of the agent who holds the chat.
    #[inline]
    pub fn assigned_agent(&self) -> Option<usize> {
        self.assigned_agent.map(|a| a as usize)
    }

    pub fn set_assigned_agent(&mut self, agent: Option<usize>) {
        debug_assert!(agent.is_none_or(|a| a < MAX_PARTICIPANTS));
        self.assigned_agent = agent.map(|a| a as u32);
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

    /// The key slot of one timer.
    #[inline]
    pub fn timer_slot(&mut self, what: TimerFor) -> &mut Option<TimerKey> {
        match what {
            TimerFor::Activity(p) => &mut self.participants[p as usize].activity,
            TimerFor::Warning(warned, lead) => self.warning_slot(warned, lead),
            own => self.own_slot(own),
        }
    }

    /// Takes the key of a timer out of its slot, without making a slot for a
    /// timer that never ran (disarming is common, arming the rare ones rare).
    #[inline]
    pub fn take_timer(&mut self, what: TimerFor) -> Option<TimerKey> {
        match what {
            TimerFor::Activity(p) => self.participants[p as usize].activity.take(),
            TimerFor::Warning(..) => self.timer_slot(what).take(),
            own => self.own_timers.iter_mut().find(|t| t.what == own).and_then(|t| t.key.take()),
        }
    }

    /// The key of one of the conversation's own timers, if it is armed.
    pub fn own_timer(&self, what: TimerFor) -> Option<TimerKey> {
        self.own_timers.iter().find(|t| t.what == what).and_then(|t| t.key)
    }

    #[inline(never)]
    fn own_slot(&mut self, what: TimerFor) -> &mut Option<TimerKey> {
        let i = match self.own_timers.iter().position(|t| t.what == what) {
            Some(i) => i,
            None => {
                self.own_timers.push(OwnTimer { what, key: None });
                self.own_timers.len() - 1
            }
        };
        &mut self.own_timers[i].key
    }

    /// Out of line: the slots every message touches stay a jump table.
    #[inline(never)]
    fn warning_slot(&mut self, warned: Warned, lead: u8) -> &mut Option<TimerKey> {
        let i = match self.warnings.iter().position(|w| w.warned == warned && w.lead == lead) {
            Some(i) => i,
            None => {
                self.warnings.push(WarningSlot { warned, lead, key: None });
                self.warnings.len() - 1
            }
        };
        &mut self.warnings[i].key
    }

    /// Every timer key this conversation owns, to read.
    pub fn timer_keys(&self) -> impl Iterator<Item = Option<TimerKey>> + '_ {
        self.own_keys().chain(self.participants.iter().map(|p| p.activity))
    }

    /// Every timer key this conversation owns, for cancelling and moving them.
    pub fn timer_keys_mut(&mut self) -> impl Iterator<Item = &mut Option<TimerKey>> {
        let own = self.own_timers.iter_mut().map(|t| &mut t.key);
        let per_participant = self.participants.iter_mut().map(|p| &mut p.activity);
        own.into_iter().chain(per_participant).chain(self.warnings.iter_mut().map(|w| &mut w.key))
    }

    /// The conversation's own timers and its warnings, to read.
    fn own_keys(&self) -> impl Iterator<Item = Option<TimerKey>> + '_ {
        self.own_timers.iter().map(|t| t.key).chain(self.warnings.iter().map(|w| w.key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_connection_reads_back_what_was_packed() {
        for c in [Connection::Connected, Connection::Lost(0), Connection::Lost(MAX_TIME), Connection::Disconnected(7)] {
            assert_eq!(PackedConnection::new(c).get(), c);
            let json = serde_json::to_string(&PackedConnection::new(c)).unwrap();
            assert_eq!(json, serde_json::to_string(&c).unwrap(), "snapshots keep the enum's form");
            assert_eq!(serde_json::from_str::<PackedConnection>(&json).unwrap().get(), c);
        }
        let too_late = serde_json::to_string(&Connection::Lost(MAX_TIME + 1)).unwrap();
        let e = serde_json::from_str::<PackedConnection>(&too_late).unwrap_err();
        assert!(e.to_string().contains("is above"), "{e}");
        assert_eq!(std::mem::size_of::<Participant>(), 56);
    }
}
