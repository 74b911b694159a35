//! Disconnection (R-D1–R-D5, R-M1; Dynamics 365's disconnected chats).
//!
//! - R-D1: `connection_lost` starts a grace: `disconnect_grace` for the
//!   customer, `agent_disconnect_grace` for anyone else.
//! - R-D2: `connection_restored` within it cancels it; a slow message is not
//!   a disconnection, only `connection_lost` starts a grace.
//! - R-D3: the customer's grace running out: `customer_disconnected`, the
//!   transcript message to the agent, then per state — open closes, active
//!   wraps up or, with reconnection on, keeps the agent while the reconnect
//!   window runs; waiting keeps waiting with the window, or closes.
//! - R-D4: an agent's grace running out: the agent leaves, the customer is
//!   told, capacity is released and active → open.
//! - R-D5: participant timers keep running during a grace: nothing here
//!   touches them until the grace runs out.
//! - R-D6: a message during the grace proves the connection works: it is
//!   restored (as R-D2) before the message is handled (`timers`); after the
//!   grace ran out, messages are refused until a reconnect.
//! - R-M1: automated transcript messages, the policy's templates with the
//!   display names filled in.

use super::{Engine, Scope};
use crate::conversation::{Connection, TimerFor, CUSTOMER};
use crate::error::Error;
use crate::events::{EventKind, VisibleTo};
use crate::time::Millis;
use crate::vocab::{LeftReason, Reason, State};

impl Engine {
    pub fn connection_lost(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let p = e.present(ci, participant)?;
            if e.conv(ci).participants[p].connection() != Connection::Connected {
                return Err(Error::InvalidState(format!(
                    "participant: {participant:?} has already lost the connection"
                )));
            }
            Ok((ci, p))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| {
            let policy = e.policy(ci);
            let grace = if p == CUSTOMER { policy.disconnect_grace } else { policy.agent_disconnect_grace };
            let part = &mut e.conv_mut(ci).participants[p];
            part.set_connection(Connection::Lost(now));
            let (participant, role) = (part.id.clone(), part.role);
            e.arm(ci, TimerFor::Grace(p as u8), now, now + grace);
            e.emit_in(now, ci, EventKind::ConnectionLost { participant, role });
        })
    }

    pub fn connection_restored(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let p = e.present(ci, participant)?;
            match e.conv(ci).participants[p].connection() {
                Connection::Lost(_) => Ok((ci, p)),
                Connection::Connected => {
                    Err(Error::InvalidState(format!("participant: {participant:?} has not lost the connection")))
                }
                Connection::Disconnected(_) => Err(Error::InvalidState(format!(
                    "participant: {participant:?} is past the grace period; only a reconnect brings them back"
                ))),
            }
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| e.restore_connection(now, ci, p))
    }

    /// R-D2, and R-D6 when a message proves the connection works.
    pub(crate) fn restore_connection(&mut self, at: Millis, ci: u32, p: usize) {
        self.disarm(ci, TimerFor::Grace(p as u8));
        let part = &mut self.conv_mut(ci).participants[p];
        part.set_connection(Connection::Connected);
        let (participant, role) = (part.id.clone(), part.role);
        self.emit_in(at, ci, EventKind::ConnectionRestored { participant, role });
    }

    /// R-D3 (customer) and R-D4 (agent and others).
    pub(crate) fn on_grace(&mut self, at: Millis, ci: u32, p: usize) {
        if p != CUSTOMER {
            let was_assigned = self.conv(ci).assigned_agent() == Some(p);
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
        let Connection::Lost(lost_at) = conv.participants[CUSTOMER].connection() else {
            unreachable!("a grace timer runs only while the connection is lost")
        };
        conv.participants[CUSTOMER].set_connection(Connection::Disconnected(lost_at));
        let participant = conv.customer().id.clone();
        let state = conv.state;
        self.emit_in(at, ci, EventKind::CustomerDisconnected { participant });
        self.transcript(at, ci, "customer_disconnected", VisibleTo::Agent, None);
        match (state, self.reconnect_window_end(ci, lost_at)) {
            (State::Open, _) | (State::Waiting, None) => {
                self.set_state(at, ci, State::Closed, Reason::CustomerDisconnected)
            }
            (State::Active, None) => self.set_state(at, ci, State::WrapUp, Reason::CustomerDisconnected),
            (State::Active | State::Waiting, Some(end)) => self.open_reconnect_window(at, ci, end),
            (State::WrapUp | State::Closed, _) => {}
        }
    }

    /// R-M1: an automated transcript message from the policy's template.
    pub(crate) fn transcript(
        &mut self,
        at: Millis,
        ci: u32,
        key: &'static str,
        visible_to: VisibleTo,
        agent: Option<usize>,
    ) {
        let policy = self.policy(ci);
        let template = match key {
            "customer_disconnected" => &policy.messages.customer_disconnected,
            "customer_reconnected" => &policy.messages.customer_reconnected,
            _ => &policy.messages.agent_disconnected,
        };
        let conv = self.conv(ci);
        let agent_name = agent.or(conv.assigned_agent()).map_or("", |a| conv.participants[a].shown_name());
        let text = template.replace("{CustomerName}", conv.customer().shown_name()).replace("{AgentName}", agent_name);
        self.emit_in(at, ci, EventKind::TranscriptMessage { key, text, visible_to });
    }
}
