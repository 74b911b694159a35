//! Timers (T3, T4, T5): the one way a timer is armed, moved or cancelled, and the
//! firing of due timers in deadline order (ties in arming order), each timer
//! event stamped with its deadline, not the time the host happened to call.
//! What a timer does when it fires lives in the module of its rule; this file
//! only dispatches to it.

use super::Engine;
use crate::conversation::{TimerFor, TimerRef};
use crate::time::Millis;
use crate::wheel::TimerKey;

impl Engine {
    /// Files a timer in the wheel and gives its key to its owner: the one way
    /// timers are armed, fresh (`seq` is `None`) or moved with their arming order.
    #[inline]
    pub(crate) fn attach_timer(&mut self, ci: u32, what: TimerFor, deadline: Millis, seq: Option<u64>) {
        let timer = TimerRef { conversation: ci, what };
        let key = match seq {
            Some(seq) => self.wheel.arm_with_seq(deadline, seq, timer),
            None => self.wheel.arm(deadline, timer),
        };
        let conv = self.conv_mut(ci);
        *conv.timer_slot(what) = Some(key);
        if let TimerFor::Activity(p) = what {
            conv.participants[p as usize].activity_due = deadline;
        }
    }

    /// Arms (or re-arms) a timer at `at` for `deadline`, with its warnings
    /// (W1, W2): the timer first, then its warnings, longest lead first.
    #[inline]
    pub(crate) fn arm(&mut self, ci: u32, what: TimerFor, at: Millis, deadline: Millis) {
        self.disarm(ci, what);
        self.attach_timer(ci, what, deadline, None);
        if let Some(warned) = self.warned_when_armed(ci, what) {
            self.arm_warnings(ci, warned, at, deadline);
        }
    }

    /// Cancels a timer and, with it, its pending warnings (W2).
    #[inline]
    pub(crate) fn disarm(&mut self, ci: u32, what: TimerFor) {
        let conv = self.conv_mut(ci);
        let key = conv.take_timer(what);
        let warns = !conv.warnings.is_empty();
        if let Some(key) = key {
            self.wheel.cancel(key);
        }
        if warns {
            self.disarm_warnings(ci, what);
        }
    }

    #[inline(never)]
    fn disarm_warnings(&mut self, ci: u32, what: TimerFor) {
        if let Some(warned) = self.warned_by(ci, what) {
            self.cancel_warnings(ci, warned);
        }
    }

    /// Cancels every timer the conversation owns.
    pub(crate) fn cancel_all_timers(&mut self, ci: u32) {
        let keys: Vec<TimerKey> = self.conv_mut(ci).timer_keys_mut().filter_map(Option::take).collect();
        for key in keys {
            self.wheel.cancel(key);
        }
    }

    /// Whether a timer of this conversation is due at `now`. Activity
    /// deadlines are read from the record (every message moves them); the
    /// others, rarely armed, from the wheel. Plain loops: this runs for every
    /// command that arrives while some timer is due.
    pub(crate) fn conversation_due(&self, ci: u32, now: Millis) -> bool {
        let conv = self.conv(ci);
        let due = |key: Option<TimerKey>| key.is_some_and(|k| self.wheel.deadline(k).is_some_and(|d| d <= now));
        for p in &conv.participants {
            if p.activity.is_some() && p.activity_due <= now {
                return true;
            }
        }
        conv.own_timers.iter().any(|t| due(t.key)) || conv.warnings.iter().any(|w| due(w.key))
    }

    /// T3: every timer due at or before `now`, in order.
    pub(crate) fn fire_due(&mut self, now: Millis) {
        while let Some((at, timer)) = self.wheel.poll(now) {
            *self.conv_mut(timer.conversation).timer_slot(timer.what) = None;
            self.on_timer(at, timer.conversation, timer.what);
        }
    }

    fn on_timer(&mut self, at: Millis, ci: u32, what: TimerFor) {
        match what {
            TimerFor::Activity(p) => self.on_activity(at, ci, p as usize),
            TimerFor::Grace(p) => self.on_grace(at, ci, p as usize),
            TimerFor::ReconnectWindow => self.on_reconnect_window(at, ci),
            TimerFor::AutoClose => self.on_auto_close(at, ci),
            TimerFor::CapacityBlock => self.release_capacity(at, ci),
            TimerFor::MaxDuration => self.on_max_duration(at, ci),
            TimerFor::Forget => self.forget(ci),
            TimerFor::Inactivity => self.on_inactivity(at, ci),
            TimerFor::HoldAutoClose => self.on_hold_auto_close(at, ci),
            TimerFor::Warning(warned, lead) => self.on_warning(at, ci, warned, lead),
        }
    }
}
