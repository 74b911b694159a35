//! Conversation states (S1, S2 and the transition table of docs/rules.md §3): one
//! function moves a conversation from one state to another, emits
//! `state_changed {from, to, reason}` (S2) and does what entering the new
//! state implies — participant timers run only in `open` and `active` (R-T3),
//! a conversation that is no longer live cannot be reconnected, capacity
//! follows the state (C1, C3), auto-close arms for the state (CFG2),
//! inactivity runs only in `active` (I1), leaving `active` ends a hold (H3),
//! and `closed` is final (S1). Which reason leads where is decided by the rule that
//! calls it; every call site names its row of the table.

use super::Engine;
use crate::conversation::{Connection, Finish, TimerFor};
use crate::time::Millis;
use crate::vocab::{Reason, State};

impl Engine {
    pub(crate) fn set_state(&mut self, at: Millis, ci: u32, to: State, reason: Reason) {
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
        self.emit_in(at, ci, crate::events::EventKind::StateChanged { from, to, reason });
        if !matches!(to, State::Open | State::Active) {
            self.stop_participant_timers(ci);
        }
        if !to.is_live() {
            // Ended: there is nothing left to reconnect to.
            self.disarm(ci, TimerFor::ReconnectWindow);
        }
        if from == State::Active {
            self.end_hold_quietly(at, ci, to);
            self.disarm(ci, TimerFor::Inactivity);
        }
        self.capacity_for_state(at, ci, to);
        self.lifetime_for_state(at, ci, to);
        if to == State::Active {
            self.start_inactivity(at, ci);
        }
        if to == State::Closed {
            self.close_down(at, ci);
        }
        if from == State::Waiting && to == State::Open {
            // The customer is back while a bot stayed: the pair runs timers again (R-T3).
            self.start_participant_timers(at, ci);
        }
    }

    /// S1: a closed conversation stops every timer and only waits to be
    /// forgotten; whoever was in a grace stays away.
    fn close_down(&mut self, at: Millis, ci: u32) {
        self.cancel_all_timers(ci);
        for part in &mut self.conv_mut(ci).participants {
            if let Connection::Lost(lost_at) = part.connection() {
                part.set_connection(Connection::Disconnected(lost_at));
            }
        }
        let retain = self.config.retain_closed;
        self.arm(ci, TimerFor::Forget, at, at + retain);
    }
}
