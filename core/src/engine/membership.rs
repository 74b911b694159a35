//! Who is in a conversation (docs/rules.md §2, §3, §9): `start_conversation` (the
//! customer joins with it), `join`, `leave`, `end` (the End button; a
//! customer's end is "closed the chat window") and `close_session` (the
//! assigned agent closes the session window). The rows of §3 they take: open →
//! active on an agent join, active → open when the agent leaves, active →
//! waiting when the agent closes the session, open/waiting → closed and
//! active → wrap_up when the customer ends. One agent at a time holds a
//! conversation; a join that would exceed the agent's capacity is refused (C2).

use super::access::{arg, display_arg};
use super::{Engine, Scope, StartOptions};
use crate::conversation::{Connection, Conversation, Participant, TimerFor, CUSTOMER, MAX_PARTICIPANTS};
use crate::error::Error;
use crate::events::EventKind;
use crate::id::{rare_id, Id};
use crate::time::Millis;
use crate::vocab::{LeftReason, Reason, Role, State};

impl Engine {
    pub fn start_conversation(
        &mut self,
        now: Millis,
        conversation: &str,
        customer: &str,
        options: StartOptions<'_>,
    ) -> Result<(), Error> {
        let check = |e: &Engine| {
            arg("conversation", conversation)?;
            arg("customer", customer)?;
            if let Some(identity) = options.authenticated_as {
                arg("authenticated_as", identity)?;
            }
            display_arg(options.display_name)?;
            let name = options.policy.unwrap_or("default");
            let policy = e.config.policy_index(name).ok_or_else(|| {
                Error::InvalidConfig(format!("policy: {name:?} is not a policy of the configuration"))
            })?;
            if e.conversations.contains(conversation) {
                return Err(Error::DuplicateConversation(format!("conversation: {conversation:?} already exists")));
            }
            Ok(policy)
        };
        self.run(now, Scope::of(conversation), check, |e, policy| {
            let id: Id = conversation.into();
            let first = Participant::new(customer.into(), Role::Customer, rare_id(options.display_name));
            let timers = e.config.policies[policy].timers;
            let conv = Conversation::new(id.clone(), policy as u32, first, rare_id(options.authenticated_as), timers);
            let ci = e.conversations.insert(conv);
            if let Some(identity) = &e.conv(ci).authenticated_as {
                e.by_identity.entry(Id::clone(identity)).or_default().push(ci);
            }
            let name = e.config.policies[policy].name.clone();
            e.emit(now, Some(id), EventKind::ConversationStarted { policy: name, customer: customer.into() });
            e.arm_lifetime(now, ci);
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
        let scope = Scope { conversation: Some(conversation), agent };
        self.run(
            now,
            scope,
            |e| e.check_join(conversation, participant, role, display_name),
            |e, (ci, rejoin)| e.apply_join(now, ci, rejoin, participant, role, display_name),
        )
    }

    /// Returns the conversation and the slot of a participant who was here before.
    fn check_join(
        &self,
        id: &str,
        participant: &str,
        role: Role,
        name: Option<&str>,
    ) -> Result<(u32, Option<usize>), Error> {
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
            if let Some(a) = conv.assigned_agent() {
                return Err(Error::InvalidState(format!(
                    "participant: conversation {id:?} is held by agent {:?}; transfer means leave, then join",
                    conv.participants[a].id
                )));
            }
            self.check_fits("participant", participant, self.policy(ci).capacity_units, "needs")?;
        }
        Ok((ci, rejoin))
    }

    fn apply_join(
        &mut self,
        at: Millis,
        ci: u32,
        rejoin: Option<usize>,
        participant: &str,
        role: Role,
        name: Option<&str>,
    ) {
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
            self.conv_mut(ci).set_assigned_agent(Some(p));
            self.set_state(at, ci, State::Active, Reason::AgentJoined);
        }
        if role.serves() {
            self.start_participant_timers(at, ci);
        }
    }

    pub fn leave(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            Ok((ci, e.present(ci, participant)?))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| {
            if p == CUSTOMER {
                e.customer_goes(now, ci, LeftReason::Left, Reason::CustomerEnded);
            } else {
                e.other_goes(now, ci, p, LeftReason::Left);
            }
        })
    }

    /// The End button; a customer's end is "closed the chat window".
    pub fn end(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let p = match e.assigned(ci, participant) {
                Some(p) => p,
                None => e.present(ci, participant)?,
            };
            Ok((ci, p))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| {
            if p == CUSTOMER {
                e.customer_goes(now, ci, LeftReason::Ended, Reason::CustomerEnded);
            } else if e.conv(ci).assigned_agent() == Some(p) {
                match e.conv(ci).state {
                    State::Active => e.set_state(now, ci, State::WrapUp, Reason::AgentEnded),
                    _ => e.set_state(now, ci, State::Closed, Reason::AgentClosedSession),
                }
            } else {
                e.other_goes(now, ci, p, LeftReason::Ended);
            }
        })
    }

    /// The agent closes the session window.
    pub fn close_session(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let Some(p) = e.assigned(ci, participant) else {
                let p = e.present(ci, participant)?;
                let role = e.conv(ci).participants[p].role;
                return Err(Error::InvalidArgument(format!(
                    "participant: {participant:?} is a {}; only the assigned agent closes the session",
                    role.as_str()
                )));
            };
            Ok((ci, p))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| match e.conv(ci).state {
            State::Active => {
                e.remove_participant(now, ci, p, LeftReason::Left);
                e.set_state(now, ci, State::Waiting, Reason::AgentClosedSession);
            }
            _ => e.set_state(now, ci, State::Closed, Reason::AgentClosedSession),
        })
    }

    /// The customer leaves or ends: open and waiting close, active wraps up.
    pub(crate) fn customer_goes(&mut self, at: Millis, ci: u32, left: LeftReason, active_reason: Reason) {
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
        if conv.assigned_agent() == Some(p) && conv.state == State::Active {
            self.set_state(at, ci, State::Open, Reason::AgentLeft);
        }
    }

    /// A participant is gone: its timers stop, and all of them stop once no
    /// agent or bot is left (R-T3).
    pub(crate) fn remove_participant(&mut self, at: Millis, ci: u32, p: usize, reason: LeftReason) {
        self.disarm(ci, TimerFor::Activity(p as u8));
        self.disarm(ci, TimerFor::Grace(p as u8));
        let part = &mut self.conv_mut(ci).participants[p];
        part.present = false;
        part.idle = false;
        part.set_connection(Connection::Connected);
        let (participant, role) = (part.id.clone(), part.role);
        self.emit_in(at, ci, EventKind::ParticipantLeft { participant, role, reason });
        if !self.conv(ci).has_server() || p == CUSTOMER {
            self.stop_participant_timers(ci);
        }
    }
}
