//! E1 and T2/T3: how every command runs. A rejected command changes nothing,
//! emits nothing and does not move the clock, so a command is *checked* before
//! any due timer fires on its account, and *applied* after they fired:
//!
//! 1. `now` is checked against the clock (T2).
//! 2. `check(&Engine)` decides, without changing anything, whether the
//!    command is accepted, and returns what `apply` needs (its plan).
//! 3. Only then do the timers due at or before `now` fire (T3), and
//! 4. `apply(&mut Engine, plan)` makes the change; it cannot fail.
//!
//! A check must see the state the command will meet *after* the due timers
//! fired (a message from an agent whose grace ran out a minute ago is
//! refused). Only the timers of what a command touches can change its
//! verdict: its conversation, the agent it names and the conversations
//! holding that agent's units (its [`Scope`]). Timers never touch another
//! conversation's record, nor hold units. So when no timer of the scope is
//! due — the common case, however many other timers are — checking the
//! current state is exact, and firing the others leaves the plan valid.
//!
//! When a timer of the scope itself is due (the command races its own
//! conversation's deadline), the verdict comes from a scratch engine holding
//! copies of the scope's records with their timers, fired there first. This is
//! the one copy left, and it is rare: a host that sleeps until
//! `next_deadline` never meets it.

use std::collections::{HashMap, VecDeque};

use super::{Engine, Scope};
use crate::agents::Agents;
use crate::conversation::TimerFor;
use crate::error::Error;
use crate::table::ConversationTable;
use crate::time::{Millis, MAX_TIME};
use crate::wheel::Wheel;

impl Engine {
    pub(crate) fn check_time(&self, now: Millis) -> Result<(), Error> {
        if now < self.now {
            return Err(Error::TimeWentBackwards(format!("now: {now} is before the engine's time {}", self.now)));
        }
        if now > MAX_TIME {
            return Err(Error::LimitExceeded(format!("now: {now} is above {MAX_TIME}")));
        }
        Ok(())
    }

    /// Runs one command: check, then the due timers fire, then apply.
    pub(crate) fn run<P, R>(
        &mut self,
        now: Millis,
        scope: Scope<'_>,
        check: impl Fn(&Engine) -> Result<P, Error>,
        apply: impl FnOnce(&mut Engine, P) -> R,
    ) -> Result<R, Error> {
        self.check_time(now)?;
        let plan = if !self.wheel.maybe_due(now) {
            check(self)?
        } else if !self.scope_is_due(scope, now) {
            let plan = check(self)?;
            self.fire_due(now);
            plan
        } else {
            let mut scratch = self.scratch(scope);
            scratch.fire_due(now);
            check(&scratch)?;
            self.fire_due(now);
            // The same check over the same records the scratch held.
            let plan = check(self);
            debug_assert!(plan.is_ok(), "the scratch accepted what the engine refused");
            plan?
        };
        let out = apply(self, plan);
        self.now = now;
        Ok(out)
    }

    fn scope_is_due(&self, scope: Scope<'_>, now: Millis) -> bool {
        let conversation = scope.conversation.and_then(|id| self.conversations.find(id));
        conversation.is_some_and(|ci| self.conversation_due(ci, now))
            || scope
                .agent
                .and_then(|agent| self.agents.get(agent))
                .is_some_and(|load| load.holders.iter().any(|&ci| self.conversation_due(ci, now)))
    }

    /// An engine holding copies of what `scope` can reach: its conversation,
    /// the agent it names and every conversation holding that agent's units,
    /// with their timers at the same deadlines and arming order.
    fn scratch(&self, scope: Scope<'_>) -> Engine {
        let mut scratch = Engine {
            config: self.config.clone(),
            now: self.now,
            wheel: Wheel::new(self.wheel.elapsed()),
            conversations: ConversationTable::default(),
            by_identity: HashMap::default(),
            agents: Agents::new(self.config.default_capacity),
            tokens: self.tokens.clone(),
            events: VecDeque::new(),
        };
        let copy = |scratch: &mut Engine, ci: u32| {
            if scratch.conversations.contains(&self.conv(ci).id) {
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
            if let Some(agent) = conv.assigned_agent() {
                scratch.agents.copy_from(&self.agents, &conv.participants[agent].id);
            }
            let new_ci = scratch.conversations.insert(conv);
            for (deadline, seq, what) in moved {
                scratch.attach_timer(new_ci, what, deadline, Some(seq));
            }
        };
        if let Some(ci) = scope.conversation.and_then(|id| self.conversations.find(id)) {
            copy(&mut scratch, ci);
        }
        if let Some(agent) = scope.agent {
            scratch.agents.copy_from(&self.agents, agent);
            for &ci in self.agents.get(agent).map(|l| l.holders.as_slice()).unwrap_or_default() {
                copy(&mut scratch, ci);
            }
            // Holders were copied with slab indexes of this engine; renumber.
            if let Some(load) = scratch.agents.get(agent).cloned() {
                let renumbered: Vec<u32> =
                    load.holders.iter().filter_map(|&ci| scratch.conversations.find(&self.conv(ci).id)).collect();
                scratch.agents.replace_holders(agent, renumbered);
            }
        }
        scratch
    }
}
