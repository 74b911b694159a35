//! Hold (H1–H4; §14, Rocket.Chat's on-hold queue): the agent parks a chat
//! that waits on a slow customer so that it stops counting against the
//! agent's capacity.
//!
//! - H1: `hold` from the assigned agent of an `active` conversation whose
//!   customer is present: `hold_changed {on_hold: true, reason: "agent"}`; the
//!   state stays `active`; participant timers and inactivity stop; with
//!   `release_capacity` the units are released; `hold.auto_close` arms.
//! - H2: a customer message (`customer_message`), a customer reconnect
//!   (`customer_returned`) or the agent's `resume` (`agent`) ends it: the
//!   units are taken again — by the customer even above capacity, by the
//!   agent's `resume` only if they fit — and the participant timers start as
//!   at a join, inactivity as on becoming active.
//! - H3: `hold.auto_close` running out closes the conversation; anything else
//!   that moves it out of `active` ends the hold without `hold_changed`, and
//!   capacity follows C3 for the new state.
//! - H4: with `on_customer_inactive`, the customer's auto-disconnect expiry
//!   parks the conversation instead of disconnecting anyone.
//!
//! Parked units stay in the agent's ledger as a holder of none, so a command
//! naming the agent sees, in its scope, every chat a timer could move back
//! into wrap-up (which takes the units again, C3).

use super::{Engine, Scope};
use crate::config::CapacityBlock;
use crate::conversation::{TimerFor, CUSTOMER};
use crate::error::Error;
use crate::events::EventKind;
use crate::time::Millis;
use crate::vocab::{HoldReason, Reason, State};

impl Engine {
    /// H1: the assigned agent parks the conversation.
    pub fn hold(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.agent_of_active(conversation, participant, "hold")?;
            let conv = e.conv(ci);
            if conv.on_hold {
                return Err(Error::InvalidState(format!("conversation: {conversation:?} is already on hold")));
            }
            if !conv.customer().present {
                return Err(Error::InvalidState(format!(
                    "conversation: the customer has left {conversation:?}; there is nobody to wait for"
                )));
            }
            Ok(ci)
        };
        let scope = Scope { conversation: Some(conversation), agent: Some(participant) };
        self.run(now, scope, check, |e, ci| e.enter_hold(now, ci, HoldReason::Agent))
    }

    /// H2: the assigned agent takes the conversation back off hold.
    pub fn resume(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.agent_of_active(conversation, participant, "resume")?;
            let conv = e.conv(ci);
            if !conv.on_hold {
                return Err(Error::InvalidState(format!("conversation: {conversation:?} is not on hold")));
            }
            if conv.held_units == 0 {
                e.check_fits("participant", participant, e.policy(ci).capacity_units, "needs")?;
            }
            Ok(ci)
        };
        let scope = Scope { conversation: Some(conversation), agent: Some(participant) };
        self.run(now, scope, check, |e, ci| e.leave_hold(now, ci, HoldReason::Agent))
    }

    /// The conversation, if `participant` is its assigned agent, present, in
    /// an `active` conversation whose policy enables hold.
    fn agent_of_active(&self, conversation: &str, participant: &str, what: &str) -> Result<u32, Error> {
        let ci = self.live_index(conversation)?;
        let p = self.present(ci, participant)?;
        if self.policy(ci).hold.is_none() {
            return Err(Error::InvalidState(format!(
                "conversation: policy {:?} of {conversation:?} does not enable hold",
                self.policy(ci).name
            )));
        }
        let conv = self.conv(ci);
        if conv.state != State::Active {
            return Err(Error::InvalidState(format!(
                "conversation: {conversation:?} is {}; only an active conversation is put on and off hold",
                conv.state.as_str()
            )));
        }
        if conv.assigned_agent() != Some(p) {
            return Err(Error::InvalidState(format!(
                "participant: {participant:?} is a {}; only the assigned agent may {what}",
                conv.participants[p].role.as_str()
            )));
        }
        Ok(ci)
    }

    /// H1 and H4: the conversation goes on hold.
    pub(crate) fn enter_hold(&mut self, at: Millis, ci: u32, reason: HoldReason) {
        let hold = self.policy(ci).hold.expect("hold is enabled: checked by the caller");
        self.conv_mut(ci).on_hold = true;
        self.emit_in(at, ci, EventKind::HoldChanged { on_hold: true, reason });
        self.stop_participant_timers(ci);
        self.disarm(ci, TimerFor::Inactivity);
        if hold.release_capacity {
            self.park_capacity(at, ci);
        }
        if let Some(d) = hold.auto_close {
            self.arm(ci, TimerFor::HoldAutoClose, at, at + d);
        }
    }

    /// H2: the hold ends; the conversation runs again as at a join.
    pub(crate) fn leave_hold(&mut self, at: Millis, ci: u32, reason: HoldReason) {
        self.conv_mut(ci).on_hold = false;
        self.disarm(ci, TimerFor::HoldAutoClose);
        self.emit_in(at, ci, EventKind::HoldChanged { on_hold: false, reason });
        self.unpark_capacity(at, ci);
        self.start_participant_timers(at, ci);
        self.start_inactivity(at, ci);
    }

    /// A customer message or reconnect while on hold (H2).
    pub(crate) fn customer_back_from_hold(&mut self, at: Millis, ci: u32, reason: HoldReason) {
        if self.conv(ci).on_hold {
            self.leave_hold(at, ci, reason);
        }
    }

    /// H4: the customer's auto-disconnect parks the chat, if the policy says
    /// so and it can be parked; `false` leaves R-T8 to run.
    pub(crate) fn hold_for_inactive_customer(&mut self, at: Millis, ci: u32) -> bool {
        let conv = self.conv(ci);
        let parks = self.policy(ci).hold.is_some_and(|h| h.on_customer_inactive)
            && conv.state == State::Active
            && !conv.on_hold
            && conv.assigned_agent().is_some()
            && conv.participants[CUSTOMER].present;
        if parks {
            self.enter_hold(at, ci, HoldReason::CustomerInactive);
        }
        parks
    }

    /// H3: `hold.auto_close` ran out.
    pub(crate) fn on_hold_auto_close(&mut self, at: Millis, ci: u32) {
        self.set_state(at, ci, State::Closed, Reason::AutoClose);
    }

    /// H3: leaving `active` ends a hold quietly; wrap-up that blocks capacity
    /// takes the parked units again (C3 for the new state).
    pub(crate) fn end_hold_quietly(&mut self, at: Millis, ci: u32, to: State) {
        if !self.conv(ci).on_hold {
            return;
        }
        self.disarm(ci, TimerFor::HoldAutoClose);
        let blocks = to == State::WrapUp && self.policy(ci).wrap_up_block != CapacityBlock::Never;
        if blocks {
            self.unpark_capacity(at, ci);
        } else {
            self.drop_parked(ci);
        }
        self.conv_mut(ci).on_hold = false;
    }
}
