//! How long a conversation lives: auto-close of `open`, `waiting` and
//! `wrap_up` (CFG1), wrap-up auto-close waiting for a capacity block (CFG2),
//! `max_duration` (CFG3, Amazon Connect's chat duration), and how long a
//! closed conversation is remembered before it is forgotten (S1's
//! `retain_closed`).

use super::Engine;
use crate::config::CapacityBlock;
use crate::conversation::TimerFor;
use crate::time::Millis;
use crate::vocab::{Reason, State};

impl Engine {
    /// The timers a new conversation starts with: open's auto-close and the
    /// max duration.
    pub(crate) fn arm_lifetime(&mut self, at: Millis, ci: u32) {
        let policy = self.policy(ci);
        let (open_close, max_duration) = (policy.auto_close.open, policy.max_duration);
        if let Some(d) = open_close {
            self.arm(ci, TimerFor::AutoClose, at, at + d);
        }
        if let Some(d) = max_duration {
            self.arm(ci, TimerFor::MaxDuration, at, at + d);
        }
    }

    /// The lifetime timers of the state just entered: its auto-close replaces
    /// the last one's, and wrap-up ends the max duration, which has nothing
    /// left to end there (so it cannot warn about it either).
    pub(crate) fn lifetime_for_state(&mut self, at: Millis, ci: u32, to: State) {
        if to == State::WrapUp {
            self.disarm(ci, TimerFor::MaxDuration);
        }
        let policy = self.policy(ci);
        let (block, auto_close) = (policy.wrap_up_block, policy.auto_close);
        self.disarm(ci, TimerFor::AutoClose);
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
            self.arm(ci, TimerFor::AutoClose, at, at + d);
        }
    }

    pub(crate) fn on_auto_close(&mut self, at: Millis, ci: u32) {
        self.set_state(at, ci, State::Closed, Reason::AutoClose);
    }

    /// CFG3: the chat has lasted as long as it may.
    pub(crate) fn on_max_duration(&mut self, at: Millis, ci: u32) {
        match self.conv(ci).state {
            State::Open | State::Waiting => self.set_state(at, ci, State::Closed, Reason::MaxDuration),
            State::Active => self.set_state(at, ci, State::WrapUp, Reason::MaxDuration),
            // Disarmed on entering wrap-up; a v1 snapshot may still hold one.
            State::WrapUp | State::Closed => {}
        }
    }

    /// Takes a conversation out of the engine (export): its timers stop and
    /// the capacity it holds is released.
    pub(crate) fn remove_conversation(&mut self, at: Millis, ci: u32) {
        self.cancel_all_timers(ci);
        if self.conv(ci).on_hold {
            self.drop_parked(ci);
        }
        self.release_capacity(at, ci);
        self.forget(ci);
    }

    /// S1: `retain_closed` has passed; late reconnect attempts now meet an
    /// unknown conversation.
    pub(crate) fn forget(&mut self, ci: u32) {
        let conv = self.conversations.remove(ci);
        debug_assert!(conv.own_timer(TimerFor::Forget).is_none());
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
