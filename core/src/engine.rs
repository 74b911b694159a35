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
//! clock (E1). Because a command's validity can depend on timers that are due
//! but have not fired yet (a message from an agent whose grace ran out a minute
//! ago), a command arriving while timers are due is first tried on a *trial
//! engine* holding copies of only the conversations and agents it can touch;
//! only if the trial accepts it do the timers fire for real.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::capacity::Agents;
use crate::command::{Command, TimedCommand};
use crate::conversation::{
    check_id, rare_id, ActivityPhase, Connection, Conversation, Finish, Id, IdHasher, LeftReason, Participant, Reason,
    Role, State, WaitFor, CUSTOMER, MAX_ID_BYTES, MAX_PARTICIPANTS,
};
use crate::error::Error;
use crate::events::{Event, EventKind, ReconnectMethod, RefusedReason, Secret, VisibleTo};
use crate::policy::{CapacityBlock, Config, Policy, RoleTimers, TimerSettings};
use crate::reconnect::{self, TokenRecord, TokenSource, TokenStatus, MAX_TOKENS, MAX_TOKEN_RECORDS};
use crate::table::ConversationTable;
use crate::time::{Millis, MAX_TIME};
use crate::wheel::{TimerKey, Wheel};

/// Commands whose conversations a batch prefetches together before applying
/// them ([`Engine::prefetch`]). Measured flat from 8 to 32 at 1M conversations.
pub const PREFETCH_WINDOW: usize = 16;

/// What a timer is for; it comes back with the timer when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TimerFor {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerRef {
    pub(crate) conversation: u32,
    pub(crate) what: TimerFor,
}

/// What a command may touch, to build its trial engine.
#[derive(Default)]
struct Scope<'a> {
    conversation: Option<&'a str>,
    agent: Option<&'a str>,
}

/// Optional fields of `start_conversation`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions<'a> {
    pub policy: Option<&'a str>,
    pub authenticated_as: Option<&'a str>,
    pub display_name: Option<&'a str>,
}

/// The chat lifecycle engine. See the module doc for the call order.
#[derive(Debug)]
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

fn arg(field: &str, value: &str) -> Result<(), Error> {
    check_id(value).map_err(|problem| {
        let message = format!("{field}: {problem}");
        if value.len() > MAX_ID_BYTES {
            Error::LimitExceeded(message)
        } else {
            Error::InvalidArgument(message)
        }
    })
}

fn display_arg(value: Option<&str>) -> Result<(), Error> {
    value.map_or(Ok(()), |v| arg("display_name", v))
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
        out.extend(self.events.drain(..));
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
        // Nothing but time can refuse an advance, so no trial is needed.
        self.check_time(now)?;
        self.fire_due(now);
        self.now = now;
        Ok(())
    }

    /// Applies one command of SPEC §9.
    pub fn apply(&mut self, now: Millis, command: &Command) -> Result<(), Error> {
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
            Command::Advance {} => self.advance(now),
        }
    }

    /// Applies commands in order; one result per command. A rejected command
    /// does not stop the batch.
    pub fn apply_many(&mut self, commands: &[TimedCommand]) -> Vec<Result<(), Error>> {
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

    // ---- commands (SPEC §9) -------------------------------------------------

    pub fn start_conversation(
        &mut self,
        now: Millis,
        conversation: &str,
        customer: &str,
        options: StartOptions<'_>,
    ) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_start(now, conversation, customer, options)
        })
    }

    pub fn join(
        &mut self,
        now: Millis,
        conversation: &str,
        participant: &str,
        role: Role,
        display_name: Option<&str>,
    ) -> Result<(), Error> {
        let agent = (role == Role::Agent).then_some(participant);
        self.execute(now, Scope { conversation: Some(conversation), agent }, |e| {
            e.do_join(now, conversation, participant, role, display_name)
        })
    }

    pub fn leave(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_leave(now, conversation, participant)
        })
    }

    pub fn message(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_message(now, conversation, participant)
        })
    }

    pub fn connection_lost(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_connection_lost(now, conversation, participant)
        })
    }

    pub fn connection_restored(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_connection_restored(now, conversation, participant)
        })
    }

    /// The End button; a customer's end is "closed the chat window".
    pub fn end(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_end(now, conversation, participant)
        })
    }

    /// The agent closes the session window.
    pub fn close_session(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_close_session(now, conversation, participant)
        })
    }

    pub fn issue_reconnect_link(&mut self, now: Millis, conversation: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_issue_link(now, conversation)
        })
    }

    /// A reconnect through a link's token (R-RC1, R-RC4).
    pub fn reconnect_link(&mut self, now: Millis, token: &str, authenticated_as: Option<&str>) -> Result<(), Error> {
        let (conversation, secret) =
            reconnect::decode_token(token).map_err(|problem| Error::InvalidArgument(format!("token: {problem}")))?;
        self.execute(now, Scope { conversation: Some(&conversation), agent: None }, |e| {
            if !e.conversations.contains(&conversation) {
                let problem = format!("token: names conversation {conversation:?}, which is not known");
                return Err(Error::UnknownConversation(problem));
            }
            e.do_reconnect(now, &conversation, Some(&secret), authenticated_as)
        })
    }

    /// A reconnect through the prompt shown to a signed-in customer (R-RC2).
    pub fn reconnect_prompt(&mut self, now: Millis, conversation: &str, authenticated_as: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_reconnect(now, conversation, None, Some(authenticated_as))
        })
    }

    pub fn returning_customer(&mut self, now: Millis, authenticated_as: &str) -> Result<(), Error> {
        self.execute(now, Scope::default(), |e| e.do_returning_customer(now, authenticated_as))
    }

    pub fn decline_reconnect(&mut self, now: Millis, conversation: &str, authenticated_as: &str) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_decline(now, conversation, authenticated_as)
        })
    }

    /// Replaces the stored timer configuration of one conversation (R-T2, R-T4).
    pub fn set_participant_timers(
        &mut self,
        now: Millis,
        conversation: &str,
        timers: TimerSettings,
    ) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_store_timers(now, conversation, |_| Ok(timers))
        })
    }

    /// Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4).
    pub fn update_participant_role_config(
        &mut self,
        now: Millis,
        conversation: &str,
        request: &serde_json::Value,
    ) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            e.do_store_timers(now, conversation, |stored| {
                stored.with_role_config(request).map_err(|m| Error::InvalidArgument(format!("request.{m}")))
            })
        })
    }

    pub fn set_wait(&mut self, now: Millis, conversation: &str, wait_for: WaitFor) -> Result<(), Error> {
        self.execute(now, Scope { conversation: Some(conversation), agent: None }, |e| {
            let ci = e.live_index(conversation)?;
            e.conv_mut(ci).wait = wait_for;
            Ok(())
        })
    }

    /// Sets an agent's capacity in units; `None` is unbounded.
    pub fn set_agent_capacity(&mut self, now: Millis, agent: &str, capacity: Option<u32>) -> Result<(), Error> {
        arg("agent", agent)?;
        self.execute(now, Scope { conversation: None, agent: Some(agent) }, |e| {
            let kind = e.agents.set_capacity(&agent.into(), capacity);
            e.emit(now, None, kind);
            Ok(())
        })
    }

    // ---- the E1 envelope ----------------------------------------------------

    /// The E1 envelope for operations defined in other modules.
    pub(crate) fn execute_public(
        &mut self,
        now: Millis,
        conversation: Option<&str>,
        agent: Option<&str>,
        op: impl Fn(&mut Engine) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.execute(now, Scope { conversation, agent }, op)
    }

    fn check_time(&self, now: Millis) -> Result<(), Error> {
        if now < self.now {
            return Err(Error::TimeWentBackwards(format!("now: {now} is before the engine's time {}", self.now)));
        }
        if now > MAX_TIME {
            return Err(Error::LimitExceeded(format!("now: {now} is above {MAX_TIME}")));
        }
        Ok(())
    }

    fn execute(
        &mut self,
        now: Millis,
        scope: Scope<'_>,
        op: impl Fn(&mut Engine) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.check_time(now)?;
        if self.wheel.maybe_due(now) {
            let mut trial = self.trial(&scope);
            trial.fire_due(now);
            op(&mut trial)?;
            self.fire_due(now);
            let result = op(self);
            debug_assert!(result.is_ok(), "the trial accepted what the engine refused: {result:?}");
            result?;
        } else {
            // Nothing is due, so the command sees the state it will act on.
            op(self)?;
        }
        self.now = now;
        Ok(())
    }

    /// An engine holding copies of what `scope` can reach: its conversation,
    /// the agent it names and every conversation holding that agent's units,
    /// with their timers at the same deadlines and arming order.
    fn trial(&self, scope: &Scope<'_>) -> Engine {
        let mut trial = Engine {
            config: self.config.clone(),
            now: self.now,
            wheel: Wheel::new(self.wheel.elapsed()),
            conversations: ConversationTable::default(),
            by_identity: HashMap::default(),
            agents: Agents::new(self.config.default_capacity),
            tokens: self.tokens.clone(),
            events: VecDeque::new(),
        };
        let copy = |trial: &mut Engine, ci: u32| {
            if trial.conversations.contains(&self.conv(ci).id) {
                return;
            }
            let mut conv = self.conv(ci).clone();
            let mut moved: Vec<(u64, u64, TimerFor)> = Vec::new();
            for key in conv.timer_keys_mut() {
                if let Some((deadline, seq, r)) = key.and_then(|k| self.wheel.get(k)) {
                    moved.push((deadline, seq, r.what));
                }
                *key = None;
            }
            if let Some(agent) = conv.assigned_agent {
                trial.agents.copy_from(&self.agents, &conv.participants[agent].id);
            }
            let new_ci = trial.conversations.insert(conv);
            for (deadline, seq, what) in moved {
                trial.attach_timer(new_ci, what, deadline, Some(seq));
            }
        };
        if let Some(ci) = scope.conversation.and_then(|id| self.conversations.find(id)) {
            copy(&mut trial, ci);
        }
        if let Some(agent) = scope.agent {
            trial.agents.copy_from(&self.agents, agent);
            for &ci in self.agents.get(agent).map(|l| l.holders.as_slice()).unwrap_or_default() {
                copy(&mut trial, ci);
            }
            // Holders were copied with slab indexes of this engine; renumber.
            if let Some(load) = trial.agents.get(agent).cloned() {
                let renumbered: Vec<u32> =
                    load.holders.iter().filter_map(|&ci| trial.conversations.find(&self.conv(ci).id)).collect();
                trial.agents.replace_holders(agent, renumbered);
            }
        }
        trial
    }

    fn fire_due(&mut self, now: Millis) {
        while let Some((at, timer)) = self.wheel.poll(now) {
            *self.timer_slot(timer.conversation, timer.what) = None;
            self.on_timer(at, timer.conversation, timer.what);
        }
    }

    // ---- small helpers ------------------------------------------------------

    pub(crate) fn conv(&self, ci: u32) -> &Conversation {
        self.conversations.get(ci)
    }

    fn conv_mut(&mut self, ci: u32) -> &mut Conversation {
        self.conversations.get_mut(ci)
    }

    fn policy(&self, ci: u32) -> &Policy {
        &self.config.policies[self.conv(ci).policy]
    }

    pub(crate) fn index(&self, conversation: &str) -> Result<u32, Error> {
        if let Some(ci) = self.conversations.find(conversation) {
            // Ids in the map were checked on the way in.
            return Ok(ci);
        }
        arg("conversation", conversation)?;
        Err(Error::UnknownConversation(format!("conversation: {conversation:?} is not known")))
    }

    /// A conversation that is not closed (S1).
    fn live_index(&self, conversation: &str) -> Result<u32, Error> {
        let ci = self.index(conversation)?;
        if self.conv(ci).state == State::Closed {
            return Err(Error::InvalidState(format!("conversation: {conversation:?} is closed")));
        }
        Ok(ci)
    }

    fn present(&self, ci: u32, participant: &str) -> Result<usize, Error> {
        let conv = self.conv(ci);
        if let Some(p) = conv.find_present(participant) {
            return Ok(p);
        }
        arg("participant", participant)?;
        Err(Error::UnknownParticipant(format!("participant: {participant:?} is not in conversation {:?}", conv.id)))
    }

    pub(crate) fn emit(&mut self, at: Millis, conversation: Option<Id>, kind: EventKind) {
        self.events.push_back(Event { at, conversation, kind });
    }

    fn emit_in(&mut self, at: Millis, ci: u32, kind: EventKind) {
        let id = self.conv(ci).id.clone();
        self.emit(at, Some(id), kind);
    }

    pub(crate) fn timer_slot(&mut self, ci: u32, what: TimerFor) -> &mut Option<TimerKey> {
        let conv = self.conv_mut(ci);
        match what {
            TimerFor::Activity(p) => &mut conv.participants[p as usize].activity,
            TimerFor::Grace(p) => &mut conv.participants[p as usize].grace,
            TimerFor::ReconnectWindow => &mut conv.window,
            TimerFor::AutoClose => &mut conv.auto_close,
            TimerFor::CapacityBlock => &mut conv.capacity_block,
            TimerFor::MaxDuration => &mut conv.max_duration,
            TimerFor::Forget => &mut conv.forget,
        }
    }

    /// Files a timer in the wheel and gives its key to its owner: the one way
    /// timers are armed, fresh (`seq` is `None`) or moved with their arming order.
    pub(crate) fn attach_timer(&mut self, ci: u32, what: TimerFor, deadline: Millis, seq: Option<u64>) {
        let timer = TimerRef { conversation: ci, what };
        let key = match seq {
            Some(seq) => self.wheel.arm_with_seq(deadline, seq, timer),
            None => self.wheel.arm(deadline, timer),
        };
        *self.timer_slot(ci, what) = Some(key);
        if let TimerFor::Activity(p) = what {
            self.conv_mut(ci).participants[p as usize].activity_due = deadline;
        }
    }

    fn arm(&mut self, ci: u32, what: TimerFor, deadline: Millis) {
        self.disarm(ci, what);
        self.attach_timer(ci, what, deadline, None);
    }

    fn disarm(&mut self, ci: u32, what: TimerFor) {
        if let Some(key) = self.timer_slot(ci, what).take() {
            self.wheel.cancel(key);
        }
    }

    fn transcript(&mut self, at: Millis, ci: u32, key: &'static str, visible_to: VisibleTo, agent: Option<usize>) {
        let policy = self.policy(ci);
        let template = match key {
            "customer_disconnected" => &policy.messages.customer_disconnected,
            "customer_reconnected" => &policy.messages.customer_reconnected,
            _ => &policy.messages.agent_disconnected,
        };
        let conv = self.conv(ci);
        let agent_name = agent.or(conv.assigned_agent).map_or("", |a| conv.participants[a].shown_name());
        let text = template.replace("{CustomerName}", conv.customer().shown_name()).replace("{AgentName}", agent_name);
        self.emit_in(at, ci, EventKind::TranscriptMessage { key, text, visible_to });
    }

    // ---- state, capacity and timers that follow it (SPEC §3, §4) ------------

    fn set_state(&mut self, at: Millis, ci: u32, to: State, reason: Reason) {
        let from = self.conv(ci).state;
        if from == to {
            return;
        }
        {
            let conv = self.conv_mut(ci);
            conv.state = to;
            if !to.is_live() && conv.finish.is_none() {
                conv.finish = Some(match reason {
                    Reason::CustomerDisconnected | Reason::ReconnectWindowExpired => Finish::Expired,
                    _ => Finish::Ended,
                });
            }
        }
        self.emit_in(at, ci, EventKind::StateChanged { from, to, reason });
        if !matches!(to, State::Open | State::Active) {
            self.stop_participant_timers(ci);
        }
        if !to.is_live() {
            // Ended: there is nothing left to reconnect to.
            self.disarm(ci, TimerFor::ReconnectWindow);
        }
        let policy = self.policy(ci);
        let (units, block, auto_close) = (policy.capacity_units, policy.wrap_up_block, policy.auto_close);
        self.disarm(ci, TimerFor::AutoClose);
        match to {
            State::Active => self.hold_capacity(at, ci, units),
            State::WrapUp => match block {
                CapacityBlock::Always => {}
                CapacityBlock::Never => self.release_capacity(at, ci),
                CapacityBlock::For(d) => self.arm(ci, TimerFor::CapacityBlock, at + d),
            },
            State::Open | State::Waiting | State::Closed => {
                self.release_capacity(at, ci);
                self.conv_mut(ci).assigned_agent = None;
            }
        }
        let close_after = match to {
            State::Open => auto_close.open,
            State::Waiting => auto_close.waiting,
            // CFG2: wrap-up auto-close waits for a capacity block to run out.
            State::WrapUp => auto_close.wrap_up.map(|d| match block {
                CapacityBlock::For(b) => d.max(b),
                _ => d,
            }),
            State::Active | State::Closed => None,
        };
        if let Some(d) = close_after {
            self.arm(ci, TimerFor::AutoClose, at + d);
        }
        if to == State::Closed {
            self.close_down(at, ci);
        }
        if from == State::Waiting && to == State::Open {
            // The customer is back while a bot stayed: the pair runs timers again (R-T3).
            self.start_participant_timers(at, ci);
        }
    }

    /// Everything a closed conversation stops: every timer but the one that
    /// forgets it (S1).
    fn cancel_all_timers(&mut self, ci: u32) {
        let keys: Vec<TimerKey> = self.conv_mut(ci).timer_keys_mut().filter_map(Option::take).collect();
        for key in keys {
            self.wheel.cancel(key);
        }
    }

    fn close_down(&mut self, at: Millis, ci: u32) {
        self.cancel_all_timers(ci);
        // A grace that can no longer run out: whoever was lost stays away.
        for part in &mut self.conv_mut(ci).participants {
            if let Connection::Lost(lost_at) = part.connection {
                part.connection = Connection::Disconnected(lost_at);
            }
        }
        let retain = self.config.retain_closed;
        self.arm(ci, TimerFor::Forget, at + retain);
    }

    fn hold_capacity(&mut self, at: Millis, ci: u32, units: u32) {
        let conv = self.conv(ci);
        let Some(agent) = conv.assigned_agent else {
            return;
        };
        if conv.held_units > 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        self.conv_mut(ci).held_units = units;
        let kind = self.agents.hold(&agent, units, ci);
        self.emit(at, None, kind);
    }

    fn release_capacity(&mut self, at: Millis, ci: u32) {
        self.disarm(ci, TimerFor::CapacityBlock);
        let conv = self.conv(ci);
        let (Some(agent), units) = (conv.assigned_agent, conv.held_units) else {
            return;
        };
        if units == 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        self.conv_mut(ci).held_units = 0;
        let kind = self.agents.release(&agent, units, ci);
        self.emit(at, None, kind);
    }

    // ---- participant timers (SPEC §5) ---------------------------------------

    fn role_timers(&self, ci: u32, p: usize) -> RoleTimers {
        let conv = self.conv(ci);
        match (conv.running_timers, conv.participants[p].role) {
            (Some(t), Role::Customer) => t.customer(),
            (Some(t), Role::Agent) => t.agent(),
            _ => RoleTimers::default(),
        }
    }

    /// Arms the first timer of R-T5 for participant `p`, from `at`.
    fn start_activity(&mut self, at: Millis, ci: u32, p: usize) {
        let Some((phase, duration)) = self.first_phase(self.role_timers(ci, p)) else {
            self.disarm(ci, TimerFor::Activity(p as u8));
            return;
        };
        let deadline = at + duration;
        let part = &mut self.conv_mut(ci).participants[p];
        let same_phase = part.phase == phase;
        part.phase = phase;
        match part.activity {
            // The common case, every message: the participant knows its timer's
            // deadline, so moving it later needs nothing read from the wheel.
            Some(key) if same_phase && deadline >= part.activity_due => {
                let from = std::mem::replace(&mut part.activity_due, deadline);
                self.wheel.postpone(key, from, deadline);
            }
            _ => self.arm(ci, TimerFor::Activity(p as u8), deadline),
        }
    }

    /// Re-arms a paused participant timer where it stood: idle again from `at`,
    /// or, for a participant already idle, their auto-disconnect from `at`.
    fn resume_activity(&mut self, at: Millis, ci: u32, p: usize) {
        if self.conv(ci).running_timers.is_none() || self.conv(ci).participants[p].activity.is_some() {
            return;
        }
        let timers = self.role_timers(ci, p);
        let idle = self.conv(ci).participants[p].idle;
        let next = if idle { timers.auto_disconnect.map(|d| (ActivityPhase::AutoDisconnect, d)) } else { None };
        let next = next.or_else(|| if idle { None } else { self.first_phase(timers) });
        if let Some((phase, duration)) = next {
            self.conv_mut(ci).participants[p].phase = phase;
            self.arm(ci, TimerFor::Activity(p as u8), at + duration);
        }
    }

    /// The timer R-T5 starts first: idle if configured, else auto-disconnect.
    fn first_phase(&self, timers: RoleTimers) -> Option<(ActivityPhase, Millis)> {
        match (timers.idle, timers.auto_disconnect) {
            (Some(idle), _) => Some((ActivityPhase::Idle, idle)),
            (None, Some(ad)) => Some((ActivityPhase::AutoDisconnect, ad)),
            (None, None) => None,
        }
    }

    /// R-T3/R-T4: an agent or bot joined; timers start for the new pair with
    /// the configuration stored now, and nobody is idle.
    fn start_participant_timers(&mut self, at: Millis, ci: u32) {
        let conv = self.conv(ci);
        if !conv.customer().present || !conv.has_server() || !matches!(conv.state, State::Open | State::Active) {
            return;
        }
        let stored = conv.stored_timers;
        self.conv_mut(ci).running_timers = Some(stored);
        for p in 0..self.conv(ci).participants.len() {
            let part = &self.conv(ci).participants[p];
            if part.present && matches!(part.role, Role::Customer | Role::Agent) {
                self.conv_mut(ci).participants[p].idle = false;
                self.start_activity(at, ci, p);
            }
        }
    }

    fn stop_participant_timers(&mut self, ci: u32) {
        self.conv_mut(ci).running_timers = None;
        for p in 0..self.conv(ci).participants.len() {
            self.disarm(ci, TimerFor::Activity(p as u8));
            self.conv_mut(ci).participants[p].idle = false;
        }
    }

    /// A participant is gone: its timers stop, and all of them stop once no
    /// agent or bot is left (R-T3).
    fn remove_participant(&mut self, at: Millis, ci: u32, p: usize, reason: LeftReason) {
        self.disarm(ci, TimerFor::Activity(p as u8));
        self.disarm(ci, TimerFor::Grace(p as u8));
        let part = &mut self.conv_mut(ci).participants[p];
        part.present = false;
        part.idle = false;
        part.connection = Connection::Connected;
        let (participant, role) = (part.id.clone(), part.role);
        self.emit_in(at, ci, EventKind::ParticipantLeft { participant, role, reason });
        if !self.conv(ci).has_server() || p == CUSTOMER {
            self.stop_participant_timers(ci);
        }
    }

    // ---- command bodies: validate everything, then change ------------------

    fn do_start(&mut self, at: Millis, id: &str, customer: &str, o: StartOptions<'_>) -> Result<(), Error> {
        arg("conversation", id)?;
        arg("customer", customer)?;
        if let Some(identity) = o.authenticated_as {
            arg("authenticated_as", identity)?;
        }
        display_arg(o.display_name)?;
        let policy_name = o.policy.unwrap_or("default");
        let policy = self.config.policy_index(policy_name).ok_or_else(|| {
            Error::InvalidConfig(format!("policy: {policy_name:?} is not a policy of the configuration"))
        })?;
        if self.conversations.contains(id) {
            return Err(Error::DuplicateConversation(format!("conversation: {id:?} already exists")));
        }
        let id: Id = id.into();
        let first = Participant::new(customer.into(), Role::Customer, rare_id(o.display_name));
        let timers = self.config.policies[policy].timers;
        let conv = Conversation::new(id.clone(), policy, first, rare_id(o.authenticated_as), timers);
        let ci = self.conversations.insert(conv);
        if let Some(identity) = &self.conv(ci).authenticated_as {
            self.by_identity.entry(Id::clone(identity)).or_default().push(ci);
        }
        let policy = &self.config.policies[policy];
        let (name, open_close, max_duration) = (policy.name.clone(), policy.auto_close.open, policy.max_duration);
        self.emit(at, Some(id), EventKind::ConversationStarted { policy: name, customer: customer.into() });
        if let Some(d) = open_close {
            self.arm(ci, TimerFor::AutoClose, at + d);
        }
        if let Some(d) = max_duration {
            self.arm(ci, TimerFor::MaxDuration, at + d);
        }
        Ok(())
    }

    fn do_join(
        &mut self,
        at: Millis,
        id: &str,
        participant: &str,
        role: Role,
        name: Option<&str>,
    ) -> Result<(), Error> {
        arg("participant", participant)?;
        display_arg(name)?;
        if role == Role::Customer {
            return Err(Error::InvalidArgument(
                "role: a conversation has one customer, who joins with start_conversation".into(),
            ));
        }
        let ci = self.live_index(id)?;
        let conv = self.conv(ci);
        if conv.state == State::WrapUp {
            return Err(Error::InvalidState(format!("conversation: {id:?} is in wrap_up; nobody joins it")));
        }
        if conv.find_present(participant).is_some() || &*conv.customer().id == participant {
            return Err(Error::DuplicateParticipant(format!("participant: {participant:?} is already in {id:?}")));
        }
        let rejoin = conv.participants.iter().position(|p| &*p.id == participant);
        if rejoin.is_none() && conv.participants.len() >= MAX_PARTICIPANTS {
            return Err(Error::LimitExceeded(format!(
                "participant: conversation {id:?} has had {MAX_PARTICIPANTS} participants, the most it keeps"
            )));
        }
        if role == Role::Agent {
            if let Some(a) = conv.assigned_agent {
                return Err(Error::InvalidState(format!(
                    "participant: conversation {id:?} is held by agent {:?}; transfer means leave, then join",
                    conv.participants[a].id
                )));
            }
            let units = self.policy(ci).capacity_units;
            if !self.agents.fits(participant, units) {
                let (used, capacity) = self.agents.describe(participant);
                return Err(Error::CapacityExceeded(format!(
                    "participant: agent {participant:?} uses {used} of {} units; this conversation needs {units}",
                    capacity.map_or("unbounded".into(), |c| c.to_string())
                )));
            }
        }
        // An agent's id is shared with its capacity record: one copy however
        // many chats the agent takes.
        let id = match role {
            Role::Agent => self.agents.shared_id(participant),
            _ => None,
        };
        let entry = Participant::new(id.unwrap_or_else(|| participant.into()), role, rare_id(name));
        let conv = self.conv_mut(ci);
        let p = match rejoin {
            Some(p) => {
                conv.participants[p] = entry;
                p
            }
            None => {
                conv.participants.push(entry);
                conv.participants.len() - 1
            }
        };
        self.emit_in(at, ci, EventKind::ParticipantJoined { participant: participant.into(), role });
        if role == Role::Agent {
            self.conv_mut(ci).assigned_agent = Some(p);
            self.set_state(at, ci, State::Active, Reason::AgentJoined);
        }
        if role.serves() {
            self.start_participant_timers(at, ci);
        }
        Ok(())
    }

    /// The customer leaves or ends: open and waiting close, active wraps up.
    fn customer_goes(&mut self, at: Millis, ci: u32, left: LeftReason, active_reason: Reason) {
        self.disarm(ci, TimerFor::ReconnectWindow);
        self.remove_participant(at, ci, CUSTOMER, left);
        match self.conv(ci).state {
            State::Open | State::Waiting => self.set_state(at, ci, State::Closed, Reason::CustomerEnded),
            State::Active => self.set_state(at, ci, State::WrapUp, active_reason),
            State::WrapUp | State::Closed => {}
        }
    }

    /// An agent, supervisor or bot leaves (`left`) or ends (`ended`).
    fn other_goes(&mut self, at: Millis, ci: u32, p: usize, reason: LeftReason) {
        self.remove_participant(at, ci, p, reason);
        let conv = self.conv(ci);
        if conv.assigned_agent == Some(p) && conv.state == State::Active {
            self.set_state(at, ci, State::Open, Reason::AgentLeft);
        }
    }

    fn do_leave(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let p = self.present(ci, participant)?;
        if p == CUSTOMER {
            self.customer_goes(at, ci, LeftReason::Left, Reason::CustomerEnded);
        } else {
            self.other_goes(at, ci, p, LeftReason::Left);
        }
        Ok(())
    }

    fn do_message(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let p = self.present(ci, participant)?;
        let conv = self.conv(ci);
        if matches!(conv.participants[p].connection, Connection::Disconnected(_)) {
            return Err(Error::InvalidState(format!(
                "participant: {participant:?} is disconnected; only a reconnect brings them back"
            )));
        }
        if p == CUSTOMER && conv.state == State::Waiting {
            self.set_state(at, ci, State::Open, Reason::CustomerReturned);
        }
        let conv = self.conv(ci);
        if conv.participants[p].activity.is_none() && !conv.participants[p].idle {
            return Ok(());
        }
        if conv.participants[p].idle {
            let part = &mut self.conv_mut(ci).participants[p];
            part.idle = false;
            let (participant, role) = (part.id.clone(), part.role);
            self.emit_in(at, ci, EventKind::ParticipantReturned { participant, role });
        }
        self.start_activity(at, ci, p);
        Ok(())
    }

    fn do_connection_lost(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let p = self.present(ci, participant)?;
        if self.conv(ci).participants[p].connection != Connection::Connected {
            return Err(Error::InvalidState(format!("participant: {participant:?} has already lost the connection")));
        }
        let policy = self.policy(ci);
        let grace = if p == CUSTOMER { policy.disconnect_grace } else { policy.agent_disconnect_grace };
        let part = &mut self.conv_mut(ci).participants[p];
        part.connection = Connection::Lost(at);
        let (participant, role) = (part.id.clone(), part.role);
        self.arm(ci, TimerFor::Grace(p as u8), at + grace);
        self.emit_in(at, ci, EventKind::ConnectionLost { participant, role });
        Ok(())
    }

    fn do_connection_restored(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let p = self.present(ci, participant)?;
        match self.conv(ci).participants[p].connection {
            Connection::Lost(_) => {}
            Connection::Connected => {
                return Err(Error::InvalidState(format!("participant: {participant:?} has not lost the connection")))
            }
            Connection::Disconnected(_) => {
                return Err(Error::InvalidState(format!(
                    "participant: {participant:?} is past the grace period; only a reconnect brings them back"
                )))
            }
        }
        self.disarm(ci, TimerFor::Grace(p as u8));
        let part = &mut self.conv_mut(ci).participants[p];
        part.connection = Connection::Connected;
        let (participant, role) = (part.id.clone(), part.role);
        self.emit_in(at, ci, EventKind::ConnectionRestored { participant, role });
        Ok(())
    }

    /// The assigned agent, present or not (it may have left during wrap-up).
    fn assigned(&self, ci: u32, participant: &str) -> Option<usize> {
        let conv = self.conv(ci);
        conv.assigned_agent.filter(|&a| &*conv.participants[a].id == participant)
    }

    fn do_end(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let p = match self.assigned(ci, participant) {
            Some(p) => p,
            None => self.present(ci, participant)?,
        };
        let state = self.conv(ci).state;
        if p == CUSTOMER {
            self.customer_goes(at, ci, LeftReason::Ended, Reason::CustomerEnded);
        } else if self.conv(ci).assigned_agent == Some(p) {
            match state {
                State::Active => self.set_state(at, ci, State::WrapUp, Reason::AgentEnded),
                _ => self.set_state(at, ci, State::Closed, Reason::AgentClosedSession),
            }
        } else {
            self.other_goes(at, ci, p, LeftReason::Ended);
        }
        Ok(())
    }

    fn do_close_session(&mut self, at: Millis, id: &str, participant: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let Some(p) = self.assigned(ci, participant) else {
            let p = self.present(ci, participant)?;
            let role = self.conv(ci).participants[p].role;
            return Err(Error::InvalidArgument(format!(
                "participant: {participant:?} is a {}; only the assigned agent closes the session",
                role.as_str()
            )));
        };
        match self.conv(ci).state {
            State::Active => {
                self.remove_participant(at, ci, p, LeftReason::Left);
                self.set_state(at, ci, State::Waiting, Reason::AgentClosedSession);
            }
            _ => self.set_state(at, ci, State::Closed, Reason::AgentClosedSession),
        }
        Ok(())
    }

    fn do_issue_link(&mut self, at: Millis, id: &str) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let conv = self.conv(ci);
        let Some(reconnect) = self.policy(ci).reconnect.clone() else {
            return Err(Error::InvalidState(format!(
                "conversation: policy {:?} of {id:?} has reconnect disabled",
                self.policy(ci).name
            )));
        };
        if !conv.state.is_live() || !conv.customer().present {
            return Err(Error::InvalidState(format!("conversation: {id:?} has ended; no link can bring it back")));
        }
        let outstanding = conv.tokens.iter().filter(|t| t.status == TokenStatus::Outstanding).count();
        if outstanding >= MAX_TOKENS || conv.tokens.len() >= MAX_TOKEN_RECORDS {
            return Err(Error::LimitExceeded(format!(
                "conversation: {id:?} has issued the most links it may ({MAX_TOKENS} outstanding, {MAX_TOKEN_RECORDS} in all)"
            )));
        }
        let secret = self.tokens.secret()?;
        let token = reconnect::encode_token(id, &secret);
        let url = reconnect::link(&reconnect.portal_url, reconnect.link_style, &token);
        self.conv_mut(ci)
            .tokens
            .push(TokenRecord { digest: reconnect::digest(&secret), status: TokenStatus::Outstanding });
        self.emit_in(at, ci, EventKind::ReconnectLinkIssued { url: Secret(url), token: Secret(token) });
        Ok(())
    }

    /// Link (`secret` given) or prompt reconnect (R-RC4, R-RC5, R-RC9).
    fn do_reconnect(
        &mut self,
        at: Millis,
        id: &str,
        secret: Option<&[u8]>,
        identity: Option<&str>,
    ) -> Result<(), Error> {
        if let Some(identity) = identity {
            arg("authenticated_as", identity)?;
        }
        let ci = self.index(id)?;
        let method = if secret.is_some() { ReconnectMethod::Link } else { ReconnectMethod::Prompt };
        let reconnect = self.policy(ci).reconnect.clone();
        if method == ReconnectMethod::Prompt && !reconnect.as_ref().is_some_and(|r| r.prompt) {
            return Err(Error::InvalidState(format!(
                "conversation: policy {:?} of {id:?} does not offer the reconnect prompt",
                self.policy(ci).name
            )));
        }
        let conv = self.conv(ci);
        let mut token = None;
        let refused = if let Some(secret) = secret {
            match reconnect::find(&conv.tokens, &reconnect::digest(secret)) {
                None => Some(RefusedReason::Invalid),
                Some(i) => match conv.tokens[i].status {
                    TokenStatus::Consumed => Some(RefusedReason::Reused),
                    TokenStatus::Revoked => Some(RefusedReason::Invalid),
                    TokenStatus::Outstanding => {
                        token = Some(i);
                        None
                    }
                },
            }
        } else {
            None
        };
        let refused = refused.or_else(|| {
            // A link binds to the identity the chat started with, if any; the
            // prompt exists only for signed-in customers.
            let bound = conv.authenticated_as.is_some() || method == ReconnectMethod::Prompt;
            if bound && conv.identity() != identity {
                Some(RefusedReason::IdentityMismatch)
            } else {
                match conv.finish {
                    Some(Finish::Expired) => Some(RefusedReason::Expired),
                    Some(Finish::Ended) => Some(RefusedReason::Ended),
                    None if !conv.customer().present || reconnect.is_none() => Some(RefusedReason::Ended),
                    None => None,
                }
            }
        });
        if let Some(reason) = refused {
            if reason == RefusedReason::Reused {
                for t in &mut self.conv_mut(ci).tokens {
                    if t.status == TokenStatus::Outstanding {
                        t.status = TokenStatus::Revoked;
                    }
                }
            }
            let redirect_url = match reason {
                RefusedReason::Expired => reconnect.and_then(|r| r.redirect_url),
                _ => None,
            };
            let start_new = redirect_url.is_none();
            self.emit_in(at, ci, EventKind::ReconnectRefused { reason, redirect_url, start_new });
            return Ok(());
        }
        if let Some(i) = token {
            self.conv_mut(ci).tokens[i].status = TokenStatus::Consumed;
        }
        self.disarm(ci, TimerFor::Grace(CUSTOMER as u8));
        self.disarm(ci, TimerFor::ReconnectWindow);
        let conv = self.conv_mut(ci);
        conv.participants[CUSTOMER].connection = Connection::Connected;
        let (state, participant) = (conv.state, conv.customer().id.clone());
        let same_agent = state == State::Active;
        self.emit_in(at, ci, EventKind::CustomerReconnected { participant, method, same_agent });
        self.transcript(at, ci, "customer_reconnected", VisibleTo::Agent, None);
        self.resume_activity(at, ci, CUSTOMER);
        if state == State::Waiting {
            self.set_state(at, ci, State::Open, Reason::CustomerReturned);
        }
        Ok(())
    }

    fn do_returning_customer(&mut self, at: Millis, identity: &str) -> Result<(), Error> {
        arg("authenticated_as", identity)?;
        let mine = self.by_identity.get(identity).cloned().unwrap_or_default();
        let mut offered = false;
        let mut redirect_url = None;
        for ci in mine {
            let conv = self.conv(ci);
            let reconnect = self.policy(ci).reconnect.as_ref();
            if conv.finish.is_none() && conv.customer().present && reconnect.is_some_and(|r| r.prompt) {
                let customer = conv.customer().id.clone();
                self.emit_in(at, ci, EventKind::ReconnectOffered { customer });
                offered = true;
            } else if conv.finish == Some(Finish::Expired) {
                redirect_url = reconnect.and_then(|r| r.redirect_url.clone());
            }
        }
        if !offered {
            self.emit(at, None, EventKind::NoReconnectOffer { redirect_url });
        }
        Ok(())
    }

    fn do_decline(&mut self, at: Millis, id: &str, identity: &str) -> Result<(), Error> {
        arg("authenticated_as", identity)?;
        let ci = self.live_index(id)?;
        let conv = self.conv(ci);
        if conv.identity() != Some(identity) {
            return Err(Error::InvalidArgument(format!(
                "authenticated_as: {identity:?} is not the customer of {id:?}"
            )));
        }
        if !conv.state.is_live() || !conv.customer().present {
            return Err(Error::InvalidState(format!("conversation: {id:?} has ended; there is nothing to decline")));
        }
        self.customer_goes(at, ci, LeftReason::Ended, Reason::CustomerDeclinedReconnect);
        Ok(())
    }

    fn do_store_timers(
        &mut self,
        at: Millis,
        id: &str,
        next: impl Fn(&TimerSettings) -> Result<TimerSettings, Error>,
    ) -> Result<(), Error> {
        let ci = self.live_index(id)?;
        let timers = next(&self.conv(ci).stored_timers)?;
        self.conv_mut(ci).stored_timers = timers;
        self.emit_in(at, ci, EventKind::TimerConfigStored { timers });
        Ok(())
    }

    // ---- timers firing ------------------------------------------------------

    fn on_timer(&mut self, at: Millis, ci: u32, what: TimerFor) {
        match what {
            TimerFor::Activity(p) => self.on_activity(at, ci, p as usize),
            TimerFor::Grace(p) => self.on_grace(at, ci, p as usize),
            TimerFor::ReconnectWindow => {
                let redirect_url = self.policy(ci).reconnect.as_ref().and_then(|r| r.redirect_url.clone());
                self.emit_in(at, ci, EventKind::ReconnectWindowExpired { redirect_url });
                match self.conv(ci).state {
                    State::Active => self.set_state(at, ci, State::WrapUp, Reason::ReconnectWindowExpired),
                    // Open: the agent left during the window; with nobody to come
                    // back to, the chat closes as an open one does (R-D3).
                    State::Waiting | State::Open => {
                        self.set_state(at, ci, State::Closed, Reason::ReconnectWindowExpired)
                    }
                    State::WrapUp | State::Closed => {}
                }
            }
            TimerFor::AutoClose => self.set_state(at, ci, State::Closed, Reason::AutoClose),
            TimerFor::CapacityBlock => self.release_capacity(at, ci),
            TimerFor::MaxDuration => match self.conv(ci).state {
                State::Open | State::Waiting => self.set_state(at, ci, State::Closed, Reason::MaxDuration),
                State::Active => self.set_state(at, ci, State::WrapUp, Reason::MaxDuration),
                State::WrapUp | State::Closed => {}
            },
            TimerFor::Forget => self.forget(ci),
        }
    }

    fn on_activity(&mut self, at: Millis, ci: u32, p: usize) {
        let part = &self.conv(ci).participants[p];
        let (participant, role, phase) = (part.id.clone(), part.role, part.phase);
        if phase == ActivityPhase::AutoDisconnect {
            return self.auto_disconnect(at, ci, participant, role);
        }
        self.conv_mut(ci).participants[p].idle = true;
        self.emit_in(at, ci, EventKind::ParticipantIdle { participant, role });
        if let Some(ad) = self.role_timers(ci, p).auto_disconnect {
            self.conv_mut(ci).participants[p].phase = ActivityPhase::AutoDisconnect;
            self.arm(ci, TimerFor::Activity(p as u8), at + ad);
        }
    }

    /// R-T8, R-T9: everyone but the customer is disconnected.
    fn auto_disconnect(&mut self, at: Millis, ci: u32, participant: Id, role: Role) {
        let conv = self.conv(ci);
        let gone: Vec<usize> = (1..conv.participants.len()).filter(|&p| conv.participants[p].present).collect();
        let disconnected = gone.iter().map(|&p| conv.participants[p].id.clone()).collect();
        self.emit_in(at, ci, EventKind::AutoDisconnected { participant, role, disconnected });
        for &p in &gone {
            self.remove_participant(at, ci, p, LeftReason::AutoDisconnected);
        }
        let conv = self.conv(ci);
        if conv.wait == WaitFor::Bot {
            let bots: Vec<Id> = gone
                .iter()
                .filter(|&&p| conv.participants[p].role == Role::Bot)
                .map(|&p| conv.participants[p].id.clone())
                .collect();
            for participant in bots {
                self.emit_in(at, ci, EventKind::BotDisconnectedBranch { participant });
            }
        }
        let conv = self.conv(ci);
        let agent_removed = conv.assigned_agent.is_some_and(|a| gone.contains(&a));
        if agent_removed && conv.state == State::Active {
            if self.policy(ci).disconnect_flow {
                self.emit_in(at, ci, EventKind::RoutedToDisconnectFlow);
                self.set_state(at, ci, State::Open, Reason::DisconnectFlow);
            } else {
                self.set_state(at, ci, State::WrapUp, Reason::AutoDisconnected);
            }
        }
    }

    /// R-D3 (customer) and R-D4 (agent and others).
    fn on_grace(&mut self, at: Millis, ci: u32, p: usize) {
        if p != CUSTOMER {
            let was_assigned = self.conv(ci).assigned_agent == Some(p);
            self.remove_participant(at, ci, p, LeftReason::Disconnected);
            if was_assigned {
                match self.conv(ci).state {
                    State::Active => {
                        self.transcript(at, ci, "agent_disconnected", VisibleTo::Customer, Some(p));
                        self.set_state(at, ci, State::Open, Reason::AgentDisconnected);
                    }
                    // The chat is over: no message about finding another agent,
                    // but the agent's capacity is released all the same (R-D4).
                    State::WrapUp => self.release_capacity(at, ci),
                    _ => {}
                }
            }
            return;
        }
        let conv = self.conv_mut(ci);
        let Connection::Lost(lost_at) = conv.participants[CUSTOMER].connection else {
            unreachable!("a grace timer runs only while the connection is lost")
        };
        conv.participants[CUSTOMER].connection = Connection::Disconnected(lost_at);
        let participant = conv.customer().id.clone();
        let state = conv.state;
        self.emit_in(at, ci, EventKind::CustomerDisconnected { participant });
        self.transcript(at, ci, "customer_disconnected", VisibleTo::Agent, None);
        let policy = self.policy(ci);
        let window_end = policy.reconnect.as_ref().map(|r| lost_at + policy.disconnect_grace.max(r.time_limit));
        match (state, window_end) {
            (State::Open, _) | (State::Waiting, None) => {
                self.set_state(at, ci, State::Closed, Reason::CustomerDisconnected)
            }
            (State::Active, None) => self.set_state(at, ci, State::WrapUp, Reason::CustomerDisconnected),
            (State::Active | State::Waiting, Some(end)) => {
                // The window keeps the agent (R-RC3): the customer's own timers
                // pause while they are away, so their auto-disconnect cannot
                // remove the agent the window is holding.
                self.disarm(ci, TimerFor::Activity(CUSTOMER as u8));
                self.arm(ci, TimerFor::ReconnectWindow, end)
            }
            (State::WrapUp | State::Closed, _) => {}
        }
    }

    /// Takes a conversation out of the engine (export): its timers stop and
    /// the capacity it holds is released.
    pub(crate) fn remove_conversation(&mut self, at: Millis, ci: u32) {
        self.cancel_all_timers(ci);
        self.release_capacity(at, ci);
        self.forget(ci);
    }

    fn forget(&mut self, ci: u32) {
        let conv = self.conversations.remove(ci);
        debug_assert!(conv.forget.is_none());
        if let Some(identity) = conv.identity() {
            if let Some(list) = self.by_identity.get_mut(identity) {
                list.retain(|&c| c != ci);
                if list.is_empty() {
                    self.by_identity.remove(identity);
                }
            }
        }
    }
}
