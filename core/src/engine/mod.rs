//! The engine: commands in, events out, with a simulated clock (sans-IO, as
//! quinn-proto).
//!
//! # Call order
//!
//! 1. Build it once: [`Engine::new`] with a validated [`Config`].
//! 2. Feed it: every command method takes `now`, which never goes back (T2).
//!    Before a command is applied, every timer due at or before `now` fires
//!    (T3). [`Engine::advance`] does only that.
//! 3. Drain it: [`Engine::poll_event`] (or [`Engine::drain_events`]) after each
//!    call; events come out in time order.
//! 4. Sleep: until [`Engine::next_deadline`] or the next command, whichever
//!    comes first; then go to 2.
//!
//! A rejected command changes nothing, emits nothing and does not move the
//! clock (E1): every command is checked before any due timer fires on its
//! account, see `envelope`.
//!
//! # Where each rule lives
//!
//! | module | decides | SPEC |
//! |---|---|---|
//! | `envelope` | check → due timers fire → apply | T2, T3, E1 |
//! | `clock` | arming, firing in order, timer events at their deadline | T3, T4, T5 |
//! | `access` | finding what a command names; ids and display names | §2, E1 |
//! | `states` | the transition table and what each state stops | S1, S2, §3 |
//! | `capacity` | units held per state, capacity checks | C1–C5, CFG2 |
//! | `ledger` | units an agent holds in other engines, for a host that spreads chats | C2, C5 |
//! | `membership` | start, join, leave, end, close the session | §3 rows, R-T3 |
//! | `timers` | idle and auto-disconnect per role | R-T1–R-T11 |
//! | `disconnect` | connection grace and its transcript messages | R-D1–R-D5, R-M1 |
//! | `reconnect` | links, the prompt and the reconnect window | R-RC1–R-RC9 |
//! | `lifetime` | auto-close, max duration, retain and forget | S1, CFG2, CFG3 |
//! | `warnings` | notices before a timer ends something | W1–W3 |
//! | `inactivity` | conversation inactivity: wrap up or requeue | I1, I2 |
//! | `hold` | parking a chat and taking it back | H1–H4 |
//!
//! Each module is an `impl Engine` block over the fields below; none of them
//! imports another's items, only the shared data types of the crate.

mod access;
mod capacity;
mod clock;
mod disconnect;
mod envelope;
mod hold;
mod inactivity;
mod ledger;
mod lifetime;
mod membership;
mod reconnect;
mod states;
mod timers;
mod warnings;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::agents::Agents;
use crate::command::{Command, TimedCommand};
use crate::config::Config;
use crate::conversation::TimerRef;
use crate::error::Error;
use crate::events::Event;
use crate::id::{Id, IdHasher};
use crate::table::ConversationTable;
use crate::time::Millis;
use crate::token::TokenSource;
use crate::vocab::State;
use crate::wheel::Wheel;

/// Commands whose conversations a batch prefetches together before applying
/// them ([`Engine::prefetch`]). Measured flat from 8 to 32 at 1M conversations.
pub const PREFETCH_WINDOW: usize = 16;

/// Optional fields of `start_conversation`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions<'a> {
    pub policy: Option<&'a str>,
    pub authenticated_as: Option<&'a str>,
    pub display_name: Option<&'a str>,
}

/// What a command may touch: the records whose timers can change its verdict.
#[derive(Default, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) conversation: Option<&'a str>,
    pub(crate) agent: Option<&'a str>,
}

impl<'a> Scope<'a> {
    pub(crate) fn of(conversation: &'a str) -> Scope<'a> {
        Scope { conversation: Some(conversation), agent: None }
    }
}

/// The chat lifecycle engine. See the module doc for the call order.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) config: Arc<Config>,
    pub(crate) now: Millis,
    pub(crate) wheel: Wheel<TimerRef>,
    pub(crate) conversations: ConversationTable,
    /// Conversations of each authenticated customer, oldest first (R-RC2).
    pub(crate) by_identity: HashMap<Id, Vec<u32>, IdHasher>,
    pub(crate) agents: Agents,
    pub(crate) tokens: TokenSource,
    pub(crate) events: VecDeque<Event>,
}

impl Engine {
    /// A new engine at time 0 with no conversations.
    pub fn new(config: Config) -> Result<Engine, Error> {
        Ok(Engine {
            tokens: TokenSource::new(config.seed),
            agents: Agents::new(config.default_capacity),
            config: Arc::new(config),
            now: 0,
            wheel: Wheel::new(0),
            conversations: ConversationTable::default(),
            by_identity: HashMap::default(),
            events: VecDeque::new(),
        })
    }

    /// An engine from configuration JSON text (`invalid_config` on any problem).
    pub fn from_json(config: &str) -> Result<Engine, Error> {
        Engine::new(Config::from_json(config)?)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The engine's clock: the `now` of the last accepted call.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The earliest pending timer deadline (T5). It takes `&mut self`, as
    /// quinn's `poll_timeout` does, to remember what it found: hosts ask after
    /// every call, and most calls leave it as it was.
    pub fn next_deadline(&mut self) -> Option<Millis> {
        self.wheel.next_deadline()
    }

    /// The oldest event not yet taken.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Moves every pending event into `out`, oldest first; returns how many.
    pub fn drain_events(&mut self, out: &mut Vec<Event>) -> usize {
        let n = self.events.len();
        // The queue moves in bulk (at most a rotation to the buffer's start,
        // then one copy) and keeps its buffer: `extend` from `drain` moved one
        // event at a time, ~150 instructions each (storm).
        let mut queue = Vec::from(std::mem::take(&mut self.events));
        out.append(&mut queue);
        self.events = VecDeque::from(queue);
        n
    }

    /// Number of events waiting to be polled.
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// Number of conversations, closed ones still remembered included.
    pub fn conversation_count(&self) -> usize {
        self.conversations.len()
    }

    /// The state of a conversation, if the engine knows it.
    pub fn state(&self, conversation: &str) -> Option<State> {
        self.conversations.find(conversation).map(|i| self.conv(i).state)
    }

    /// Units the agent holds now and its capacity (`None`: unbounded).
    pub fn agent_load(&self, agent: &str) -> (u32, Option<u32>) {
        self.agents.describe(agent)
    }

    /// Fires every timer due at or before `now` (T3).
    pub fn advance(&mut self, now: Millis) -> Result<(), Error> {
        // Nothing but time can refuse an advance: nothing to check first.
        self.check_time(now)?;
        self.fire_due(now);
        self.now = now;
        Ok(())
    }

    /// Applies one command of docs/rules.md §9: the one dispatch every caller
    /// goes through (CLI, C, Python, Node, Restate).
    pub fn apply(&mut self, now: Millis, command: &Command<'_>) -> Result<(), Error> {
        match command {
            Command::StartConversation { conversation, customer, policy, authenticated_as, display_name } => self
                .start_conversation(
                    now,
                    conversation,
                    customer,
                    StartOptions {
                        policy: policy.as_deref(),
                        authenticated_as: authenticated_as.as_deref(),
                        display_name: display_name.as_deref(),
                    },
                ),
            Command::Join { conversation, participant, role, display_name } => {
                self.join(now, conversation, participant, *role, display_name.as_deref())
            }
            Command::Leave { conversation, participant } => self.leave(now, conversation, participant),
            Command::Message { conversation, participant } => self.message(now, conversation, participant),
            Command::ConnectionLost { conversation, participant } => {
                self.connection_lost(now, conversation, participant)
            }
            Command::ConnectionRestored { conversation, participant } => {
                self.connection_restored(now, conversation, participant)
            }
            Command::End { conversation, participant } => self.end(now, conversation, participant),
            Command::CloseSession { conversation, participant } => self.close_session(now, conversation, participant),
            Command::IssueReconnectLink { conversation } => self.issue_reconnect_link(now, conversation),
            Command::Reconnect { token, conversation, authenticated_as } => match (token, conversation) {
                (Some(token), None) => self.reconnect_link(now, token.expose(), authenticated_as.as_deref()),
                (None, Some(conversation)) => {
                    let identity = authenticated_as.as_deref().ok_or_else(|| {
                        Error::InvalidArgument("authenticated_as: required to reconnect through the prompt".into())
                    })?;
                    self.reconnect_prompt(now, conversation, identity)
                }
                _ => Err(Error::InvalidArgument(
                    "token: give either token (link) or conversation (prompt), not both or neither".into(),
                )),
            },
            Command::ReturningCustomer { authenticated_as } => self.returning_customer(now, authenticated_as),
            Command::DeclineReconnect { conversation, authenticated_as } => {
                self.decline_reconnect(now, conversation, authenticated_as)
            }
            Command::SetParticipantTimers { conversation, timers } => {
                self.set_participant_timers(now, conversation, *timers)
            }
            Command::UpdateParticipantRoleConfig { conversation, request } => {
                self.update_participant_role_config(now, conversation, request)
            }
            Command::SetWait { conversation, wait_for } => self.set_wait(now, conversation, *wait_for),
            Command::SetAgentCapacity { agent, capacity } => self.set_agent_capacity(now, agent, *capacity),
            Command::Hold { conversation, participant } => self.hold(now, conversation, participant),
            Command::Resume { conversation, participant } => self.resume(now, conversation, participant),
            Command::Advance {} => self.advance(now),
        }
    }

    /// Applies commands in order; one result per command. A rejected command
    /// does not stop the batch.
    pub fn apply_many(&mut self, commands: &[TimedCommand<'_>]) -> Vec<Result<(), Error>> {
        self.apply_in_windows(commands, |c| c.command.conversation(), |engine, c| engine.apply(c.at, &c.command))
    }

    /// How every batch call applies its items (`apply_many`, and the C and
    /// Python batches over their own command forms): in order, through
    /// `apply`, in windows of [`PREFETCH_WINDOW`] whose conversations (what
    /// `conversation` says of each item) are prefetched first.
    pub fn apply_in_windows<'i, T, R>(
        &mut self,
        items: &'i [T],
        conversation: impl Fn(&'i T) -> Option<&'i str>,
        mut apply: impl FnMut(&mut Engine, &'i T) -> R,
    ) -> Vec<R> {
        let mut results = Vec::with_capacity(items.len());
        for window in items.chunks(PREFETCH_WINDOW) {
            for id in window.iter().filter_map(&conversation) {
                self.prefetch(id);
            }
            results.extend(window.iter().map(|item| apply(self, item)));
        }
        results
    }

    /// Starts loading a conversation's record into the cache without waiting
    /// for it, and changes nothing. At a million conversations a command spends
    /// most of its time waiting for its record to come from memory; a batch
    /// that looks up a window of [`PREFETCH_WINDOW`] commands' conversations
    /// first overlaps those waits (measured: ~2x at 1M); see
    /// [`Engine::apply_in_windows`].
    pub fn prefetch(&self, conversation: &str) {
        self.conversations.prefetch(conversation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    /// The queue is a ring: taken from the front and pushed at the back, it
    /// wraps round its buffer, and a drain must still hand events over
    /// oldest first, as taking them one at a time does.
    #[test]
    fn drain_hands_events_over_oldest_first_once_the_queue_has_wrapped() {
        let config = r#"{"policies": {"default": {"timers": {"customer_idle": 2}}}}"#;
        let (mut drained, mut polled) = (Engine::from_json(config).unwrap(), Engine::from_json(config).unwrap());
        let (mut by_drain, mut one_by_one, mut wrapped) = (Vec::new(), Vec::new(), false);
        for i in 0..200u64 {
            for engine in [&mut drained, &mut polled] {
                engine.start_conversation(i, &format!("c{i}"), &format!("k{i}"), Default::default()).unwrap();
                engine.join(i, &format!("c{i}"), &format!("b{i}"), Role::Bot, None).unwrap();
            }
            // Take one, leave the rest: the front moves on while the back grows.
            by_drain.extend(drained.poll_event());
            if i % 37 == 36 {
                wrapped |= !drained.events.as_slices().1.is_empty();
                drained.drain_events(&mut by_drain);
            }
            one_by_one.extend(std::iter::from_fn(|| polled.poll_event()));
        }
        drained.drain_events(&mut by_drain);
        assert!(wrapped, "some drain took a queue that had wrapped round its buffer");
        assert_eq!(drained.pending_events(), 0);
        assert_eq!(by_drain.len(), one_by_one.len());
        assert!(by_drain == one_by_one, "the same events in the same order");
    }
}
