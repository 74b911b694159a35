//! Conversation inactivity (I1, I2; §13, Genesys Cloud's message inactivity,
//! Twilio's `timers.inactive`).
//!
//! - I1: the timer runs only while the conversation is `active` and not on
//!   hold. `silent`: it starts on becoming active and every customer, agent or
//!   bot message resets it (not a supervisor's). `customer_owes_reply`: an
//!   agent's or bot's message starts or restarts it, a customer's message stops
//!   it; on becoming active, and on resuming from hold, it waits for one. It
//!   runs beside the participant timers of §5.
//! - I2: when it runs out, `conversation_inactive {since}`, then `wrap_up`
//!   (active → wrap_up) or `requeue` (the agent leaves, its units are released,
//!   active → open, to be routed again).

use super::Engine;
use crate::config::{InactivityAction, InactivityWhile};
use crate::conversation::TimerFor;
use crate::events::EventKind;
use crate::time::Millis;
use crate::vocab::{LeftReason, Reason, Role, State};

impl Engine {
    /// The conversation became active, or came off hold.
    pub(crate) fn start_inactivity(&mut self, at: Millis, ci: u32) {
        let Some(inactivity) = self.policy(ci).inactivity else { return };
        match inactivity.while_ {
            InactivityWhile::Silent => self.arm(ci, TimerFor::Inactivity, at, at + inactivity.after),
            InactivityWhile::CustomerOwesReply => self.disarm(ci, TimerFor::Inactivity),
        }
    }

    /// A message from `role` in an active conversation (I1).
    pub(crate) fn inactivity_message(&mut self, at: Millis, ci: u32, role: Role) {
        let Some(inactivity) = self.policy(ci).inactivity else { return };
        let conv = self.conv(ci);
        if conv.state != State::Active || conv.on_hold {
            return;
        }
        match (role, inactivity.while_) {
            (Role::Supervisor, _) => {}
            (Role::Customer, InactivityWhile::CustomerOwesReply) => self.disarm(ci, TimerFor::Inactivity),
            _ => self.reset_inactivity(at, ci, at + inactivity.after),
        }
    }

    /// Every message of a silent chat moves the timer: without warnings to
    /// move with it, it is postponed in place (as the participant timers).
    fn reset_inactivity(&mut self, at: Millis, ci: u32, deadline: Millis) {
        let key = self.conv(ci).own_timer(TimerFor::Inactivity);
        let from = key.and_then(|k| self.wheel.deadline(k));
        match (key, from) {
            (Some(key), Some(from))
                if from <= deadline && self.warned_when_armed(ci, TimerFor::Inactivity).is_none() =>
            {
                self.wheel.postpone(key, from, deadline)
            }
            _ => self.arm(ci, TimerFor::Inactivity, at, deadline),
        }
    }

    /// I2.
    pub(crate) fn on_inactivity(&mut self, at: Millis, ci: u32) {
        let Some(inactivity) = self.policy(ci).inactivity else { return };
        let since = at.saturating_sub(inactivity.after);
        self.emit_in(at, ci, EventKind::ConversationInactive { since });
        match inactivity.action {
            InactivityAction::WrapUp => self.set_state(at, ci, State::WrapUp, Reason::Inactivity),
            InactivityAction::Requeue => {
                if let Some(agent) = self.conv(ci).assigned_agent() {
                    self.remove_participant(at, ci, agent, LeftReason::Inactivity);
                }
                self.set_state(at, ci, State::Open, Reason::Inactivity);
            }
        }
    }
}
