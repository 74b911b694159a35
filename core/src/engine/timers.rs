//! Participant timers (R-T1–R-T11, Amazon Connect's chat timeouts).
//!
//! - R-T1: four optional timers in whole minutes, 2–480 (`crate::config`).
//! - R-T2, R-T4: configured per role; `set_participant_timers` and
//!   `update_participant_role_config` store a new configuration
//!   (`timer_config_stored`) that applies from the next agent/bot join.
//! - R-T3: they run only while the customer and an agent or bot are both in an
//!   `open` or `active` conversation; a join starts them afresh, nobody idle.
//! - R-T5: idle runs first; auto-disconnect starts when the participant goes
//!   idle, or at once when it is the only one configured.
//! - R-T6: a message resets the sender's timers and ends their idleness
//!   (`participant_returned`); a transport reconnect does not.
//! - R-T7: idle expiry emits `participant_idle` and starts auto-disconnect.
//! - R-T8: auto-disconnect expiry removes everyone but the customer, then the
//!   disconnect flow or wrap-up.
//! - R-T9: a bot auto-disconnected while the conversation waits for it takes
//!   the bot branch; `set_wait` says what it waits for.
//! - R-T10: idle, returned and auto-disconnected notices carry
//!   `"transcript": false` (`crate::events`).
//! - R-T11: supervisors have no timers: only customers and agents get a role
//!   configuration here.

use super::{Engine, Scope};
use crate::config::{RoleTimers, TimerSettings};
use crate::conversation::{ActivityPhase, Connection, TimerFor, CUSTOMER};
use crate::error::Error;
use crate::events::EventKind;
use crate::id::Id;
use crate::time::Millis;
use crate::vocab::{HoldReason, LeftReason, Reason, Role, State, WaitFor};

impl Engine {
    pub fn message(&mut self, now: Millis, conversation: &str, participant: &str) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let p = e.present(ci, participant)?;
            if matches!(e.conv(ci).participants[p].connection(), Connection::Disconnected(_)) {
                return Err(Error::InvalidState(format!(
                    "participant: {participant:?} is disconnected; only a reconnect brings them back"
                )));
            }
            Ok((ci, p))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, p)| e.apply_message(now, ci, p))
    }

    fn apply_message(&mut self, at: Millis, ci: u32, p: usize) {
        if matches!(self.conv(ci).participants[p].connection(), Connection::Lost(_)) {
            self.restore_connection(at, ci, p);
        }
        if p == CUSTOMER {
            if self.conv(ci).state == State::Waiting {
                self.set_state(at, ci, State::Open, Reason::CustomerReturned);
            }
            self.customer_back_from_hold(at, ci, HoldReason::CustomerMessage);
        }
        let role = self.conv(ci).participants[p].role;
        self.inactivity_message(at, ci, role);
        let conv = self.conv(ci);
        if conv.participants[p].activity.is_none() && !conv.participants[p].idle {
            return;
        }
        if conv.participants[p].idle {
            let part = &mut self.conv_mut(ci).participants[p];
            part.idle = false;
            let (participant, role) = (part.id.clone(), part.role);
            self.emit_in(at, ci, EventKind::ParticipantReturned { participant, role });
        }
        self.start_activity(at, ci, p);
    }

    /// Replaces the stored timer configuration of one conversation (R-T2, R-T4).
    pub fn set_participant_timers(
        &mut self,
        now: Millis,
        conversation: &str,
        timers: TimerSettings,
    ) -> Result<(), Error> {
        let check = |e: &Engine| Ok((e.live_index(conversation)?, timers));
        self.run(now, Scope::of(conversation), check, |e, (ci, timers)| e.store_timers(now, ci, timers))
    }

    /// Amazon Connect's `UpdateParticipantRoleConfig` request body (CFG4).
    pub fn update_participant_role_config(
        &mut self,
        now: Millis,
        conversation: &str,
        request: &serde_json::Value,
    ) -> Result<(), Error> {
        let check = |e: &Engine| {
            let ci = e.live_index(conversation)?;
            let timers = e
                .conv(ci)
                .stored_timers
                .with_role_config(request)
                .map_err(|m| Error::InvalidArgument(format!("request.{m}")))?;
            Ok((ci, timers))
        };
        self.run(now, Scope::of(conversation), check, |e, (ci, timers)| e.store_timers(now, ci, timers))
    }

    fn store_timers(&mut self, at: Millis, ci: u32, timers: TimerSettings) {
        self.conv_mut(ci).stored_timers = timers;
        self.emit_in(at, ci, EventKind::TimerConfigStored { timers });
    }

    /// What the conversation waits for, for R-T9's bot branch.
    pub fn set_wait(&mut self, now: Millis, conversation: &str, wait_for: WaitFor) -> Result<(), Error> {
        self.run(now, Scope::of(conversation), |e| e.live_index(conversation), |e, ci| e.conv_mut(ci).wait = wait_for)
    }

    fn role_timers(&self, ci: u32, p: usize) -> RoleTimers {
        let conv = self.conv(ci);
        match (conv.running_timers, conv.participants[p].role) {
            (Some(t), Role::Customer) => t.customer(),
            (Some(t), Role::Agent) => t.agent(),
            // R-T11: supervisors (and bots) have no timers of their own.
            _ => RoleTimers::default(),
        }
    }

    /// Arms the first timer of R-T5 for participant `p`, from `at`.
    fn start_activity(&mut self, at: Millis, ci: u32, p: usize) {
        let Some((phase, duration)) = first_phase(self.role_timers(ci, p)) else {
            self.disarm(ci, TimerFor::Activity(p as u8));
            return;
        };
        let deadline = at + duration;
        let part = &mut self.conv_mut(ci).participants[p];
        let same_phase = part.phase == phase;
        part.phase = phase;
        let (key, due) = (part.activity, part.activity_due);
        match key {
            // The common case, every message: the participant knows its timer's
            // deadline, so moving it later needs nothing read from the wheel
            // (unless warnings must move with it, W2).
            Some(key)
                if same_phase
                    && deadline >= due
                    && self.warned_when_armed(ci, TimerFor::Activity(p as u8)).is_none() =>
            {
                self.conv_mut(ci).participants[p].activity_due = deadline;
                self.wheel.postpone(key, due, deadline);
            }
            _ => self.arm(ci, TimerFor::Activity(p as u8), at, deadline),
        }
    }

    /// Re-arms a paused participant timer where it stood: idle again from `at`,
    /// or, for a participant already idle, their auto-disconnect from `at`.
    pub(crate) fn resume_activity(&mut self, at: Millis, ci: u32, p: usize) {
        if self.conv(ci).running_timers.is_none() || self.conv(ci).participants[p].activity.is_some() {
            return;
        }
        let timers = self.role_timers(ci, p);
        let idle = self.conv(ci).participants[p].idle;
        let next = if idle { timers.auto_disconnect.map(|d| (ActivityPhase::AutoDisconnect, d)) } else { None };
        let next = next.or_else(|| if idle { None } else { first_phase(timers) });
        if let Some((phase, duration)) = next {
            self.conv_mut(ci).participants[p].phase = phase;
            self.arm(ci, TimerFor::Activity(p as u8), at, at + duration);
        }
    }

    /// R-T3/R-T4: an agent or bot joined; timers start for the new pair with
    /// the configuration stored now, and nobody is idle.
    pub(crate) fn start_participant_timers(&mut self, at: Millis, ci: u32) {
        let conv = self.conv(ci);
        let running = matches!(conv.state, State::Open | State::Active) && !conv.on_hold;
        if !conv.customer().present || !conv.has_server() || !running {
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

    pub(crate) fn stop_participant_timers(&mut self, ci: u32) {
        self.conv_mut(ci).running_timers = None;
        for p in 0..self.conv(ci).participants.len() {
            self.disarm(ci, TimerFor::Activity(p as u8));
            self.conv_mut(ci).participants[p].idle = false;
        }
    }

    /// R-T7 (idle ran out) or R-T8 (auto-disconnect ran out).
    pub(crate) fn on_activity(&mut self, at: Millis, ci: u32, p: usize) {
        let part = &self.conv(ci).participants[p];
        let (participant, role, phase) = (part.id.clone(), part.role, part.phase);
        if phase == ActivityPhase::AutoDisconnect {
            return self.auto_disconnect(at, ci, participant, role);
        }
        self.conv_mut(ci).participants[p].idle = true;
        self.emit_in(at, ci, EventKind::ParticipantIdle { participant, role });
        if let Some(ad) = self.role_timers(ci, p).auto_disconnect {
            self.conv_mut(ci).participants[p].phase = ActivityPhase::AutoDisconnect;
            self.arm(ci, TimerFor::Activity(p as u8), at, at + ad);
        }
    }

    /// R-T8, R-T9: everyone but the customer is disconnected — unless the
    /// customer's expiry parks the chat instead (H4).
    fn auto_disconnect(&mut self, at: Millis, ci: u32, participant: Id, role: Role) {
        if role == Role::Customer && self.hold_for_inactive_customer(at, ci) {
            return;
        }
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
        let agent_removed = conv.assigned_agent().is_some_and(|a| gone.contains(&a));
        if agent_removed && conv.state == State::Active {
            if self.policy(ci).disconnect_flow {
                self.emit_in(at, ci, EventKind::RoutedToDisconnectFlow);
                self.set_state(at, ci, State::Open, Reason::DisconnectFlow);
            } else {
                self.set_state(at, ci, State::WrapUp, Reason::AutoDisconnected);
            }
        }
    }
}

/// The timer R-T5 starts first: idle if configured, else auto-disconnect.
fn first_phase(timers: RoleTimers) -> Option<(ActivityPhase, Millis)> {
    match (timers.idle, timers.auto_disconnect) {
        (Some(idle), _) => Some((ActivityPhase::Idle, idle)),
        (None, Some(ad)) => Some((ActivityPhase::AutoDisconnect, ad)),
        (None, None) => None,
    }
}
