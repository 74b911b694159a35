//! Warnings before something ends (W1–W3, §12; Genesys Cloud's one-minute
//! notice, Genesys Engage's two alerts).
//!
//! - W1: for each lead of a warned timer, a warning fires at `deadline − lead`
//!   if that is later than the moment the timer was armed; it emits
//!   `expiry_warning {timer, participant, deadline}`, `participant` being the
//!   one whose timer it is (the customer for the reconnect window), `null` for
//!   the conversation's own timers.
//! - W2: a warning belongs to its timer. `clock`'s `arm` and `disarm` — the
//!   only ways a timer is armed, re-armed or cancelled — arm and cancel its
//!   warnings with it, so whatever moves the timer moves them; a warning never
//!   moves a deadline. They are armed right after their timer, longest lead
//!   first, which fixes their place among ties (T3).
//! - W3: a notice for participants, `"transcript": false`, and not activity:
//!   nothing here touches any other timer.

use super::Engine;
use crate::conversation::{ActivityPhase, TimerFor, CUSTOMER};
use crate::events::EventKind;
use crate::time::Millis;
use crate::vocab::{Role, Warned};

impl Engine {
    /// Which warnings follow this timer's slot, whatever it runs now.
    pub(crate) fn warned_by(&self, ci: u32, what: TimerFor) -> Option<Warned> {
        Some(match what {
            TimerFor::Activity(p) => match self.conv(ci).participants[p as usize].role {
                Role::Customer => Warned::CustomerAutoDisconnect,
                Role::Agent => Warned::AgentAutoDisconnect,
                Role::Supervisor | Role::Bot => return None,
            },
            TimerFor::Inactivity => Warned::Inactivity,
            TimerFor::HoldAutoClose => Warned::Hold,
            TimerFor::AutoClose => Warned::AutoClose,
            TimerFor::MaxDuration => Warned::MaxDuration,
            TimerFor::ReconnectWindow => Warned::ReconnectWindow,
            TimerFor::Grace(_) | TimerFor::CapacityBlock | TimerFor::Forget | TimerFor::Warning(..) => return None,
        })
    }

    /// Which warnings a timer armed now gives: an activity timer warns only
    /// as an auto-disconnect, never as idle.
    #[inline]
    pub(crate) fn warned_when_armed(&self, ci: u32, what: TimerFor) -> Option<Warned> {
        if self.policy(ci).warnings.is_empty() {
            return None;
        }
        self.warned_when_armed_slow(ci, what)
    }

    #[inline(never)]
    fn warned_when_armed_slow(&self, ci: u32, what: TimerFor) -> Option<Warned> {
        if let TimerFor::Activity(p) = what {
            if self.conv(ci).participants[p as usize].phase != ActivityPhase::AutoDisconnect {
                return None;
            }
        }
        self.warned_by(ci, what).filter(|&w| !self.policy(ci).warnings.leads(w).is_empty())
    }

    pub(crate) fn arm_warnings(&mut self, ci: u32, warned: Warned, armed_at: Millis, deadline: Millis) {
        let leads: Vec<Millis> = self.policy(ci).warnings.leads(warned).to_vec();
        for (n, lead) in leads.into_iter().enumerate() {
            if let Some(at) = deadline.checked_sub(lead).filter(|&at| at > armed_at) {
                self.attach_timer(ci, TimerFor::Warning(warned, n as u8), at, None);
            }
        }
    }

    pub(crate) fn cancel_warnings(&mut self, ci: u32, warned: Warned) {
        let conv = self.conv_mut(ci);
        if conv.warnings.is_empty() {
            return;
        }
        let keys: Vec<_> =
            conv.warnings.iter_mut().filter(|w| w.warned == warned).filter_map(|w| w.key.take()).collect();
        for key in keys {
            self.wheel.cancel(key);
        }
    }

    /// W1: the warning of lead `n` of `warned`'s timer fires.
    pub(crate) fn on_warning(&mut self, at: Millis, ci: u32, warned: Warned, n: u8) {
        // A snapshot's leads are checked against the policy on restore.
        let Some(&lead) = self.policy(ci).warnings.leads(warned).get(n as usize) else { return };
        let conv = self.conv(ci);
        let participant = match warned {
            Warned::CustomerAutoDisconnect | Warned::ReconnectWindow => Some(conv.participants[CUSTOMER].id.clone()),
            Warned::AgentAutoDisconnect => {
                conv.participants.iter().find(|p| p.present && p.role == Role::Agent).map(|p| p.id.clone())
            }
            Warned::Inactivity | Warned::Hold | Warned::AutoClose | Warned::MaxDuration => None,
        };
        self.emit_in(at, ci, EventKind::ExpiryWarning { timer: warned, participant, deadline: at + lead });
    }
}
