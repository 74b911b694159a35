//! Agent capacity (C1–C5, CFG2): an `active` conversation holds its policy's
//! `capacity_units` of its agent (C1); a join that would exceed the agent's
//! capacity is refused (C2); `open` and `waiting` hold nothing and `wrap_up`
//! holds per `wrap_up.block_capacity` (C3); the reconnect window keeps the
//! units because the conversation stays `active` (C4); every change of an
//! agent's used units emits `capacity_changed` (C5, from the ledger in
//! `crate::agents`). CFG2, wrap-up auto-close waiting for the block, is armed
//! in `lifetime`. Hold parks and takes back units (H1, H2) through the same
//! ledger.

use super::access::arg;
use super::{Engine, Scope};
use crate::config::CapacityBlock;
use crate::conversation::TimerFor;
use crate::error::Error;
use crate::time::Millis;
use crate::vocab::State;

impl Engine {
    /// Sets an agent's capacity in units; `None` is unbounded.
    pub fn set_agent_capacity(&mut self, now: Millis, agent: &str, capacity: Option<u32>) -> Result<(), Error> {
        arg("agent", agent)?;
        self.run(
            now,
            Scope { conversation: None, agent: Some(agent) },
            |_| Ok(()),
            |e, ()| {
                let kind = e.agents.set_capacity(&agent.into(), capacity);
                e.emit(now, None, kind);
            },
        )
    }

    /// C2: whether the agent can take `units` more; the message names `field`
    /// and says what the conversation does with them (`verb`).
    pub(crate) fn check_fits(&self, field: &str, agent: &str, units: u32, verb: &str) -> Result<(), Error> {
        if self.agents.fits(agent, units) {
            return Ok(());
        }
        let (used, capacity) = self.agents.describe(agent);
        Err(Error::CapacityExceeded(format!(
            "{field}: agent {agent:?} uses {used} of {} units; this conversation {verb} {units}",
            capacity.map_or("unbounded".into(), |c| c.to_string()),
        )))
    }

    /// C1, C3: what the conversation holds on entering `to`.
    pub(crate) fn capacity_for_state(&mut self, at: Millis, ci: u32, to: State) {
        let policy = self.policy(ci);
        let (units, block) = (policy.capacity_units, policy.wrap_up_block);
        match to {
            State::Active => self.hold_capacity(at, ci, units),
            State::WrapUp => match block {
                CapacityBlock::Always => {}
                CapacityBlock::Never => self.release_capacity(at, ci),
                CapacityBlock::For(d) => self.arm(ci, TimerFor::CapacityBlock, at, at + d),
            },
            State::Open | State::Waiting | State::Closed => {
                self.release_capacity(at, ci);
                self.conv_mut(ci).set_assigned_agent(None);
            }
        }
    }

    pub(crate) fn hold_capacity(&mut self, at: Millis, ci: u32, units: u32) {
        let conv = self.conv(ci);
        let Some(agent) = conv.assigned_agent() else {
            return;
        };
        if conv.held_units > 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        self.conv_mut(ci).held_units = units;
        let kind = self.agents.hold(&agent, units, ci);
        self.emit(at, None, kind);
    }

    /// H1: the units go back to the agent; the conversation stays its holder.
    pub(crate) fn park_capacity(&mut self, at: Millis, ci: u32) {
        let conv = self.conv(ci);
        let (Some(agent), units) = (conv.assigned_agent(), conv.held_units) else { return };
        if units == 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        self.conv_mut(ci).held_units = 0;
        let kind = self.agents.park(&agent, units);
        self.emit(at, None, kind);
    }

    /// H2: parked units are taken again, even above capacity.
    pub(crate) fn unpark_capacity(&mut self, at: Millis, ci: u32) {
        let conv = self.conv(ci);
        let Some(agent) = conv.assigned_agent() else { return };
        if conv.held_units > 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        let units = self.policy(ci).capacity_units;
        self.conv_mut(ci).held_units = units;
        let kind = self.agents.unpark(&agent, units);
        self.emit(at, None, kind);
    }

    /// A parked conversation leaves its agent's holders without units.
    pub(crate) fn drop_parked(&mut self, ci: u32) {
        let conv = self.conv(ci);
        if let (Some(agent), 0) = (conv.assigned_agent(), conv.held_units) {
            let agent = conv.participants[agent].id.clone();
            self.agents.drop_holder(&agent, ci);
        }
    }

    /// Releases what the conversation holds; also what the wrap-up block's
    /// timer does when it runs out (C3).
    pub(crate) fn release_capacity(&mut self, at: Millis, ci: u32) {
        self.disarm(ci, TimerFor::CapacityBlock);
        let conv = self.conv(ci);
        let (Some(agent), units) = (conv.assigned_agent(), conv.held_units) else {
            return;
        };
        if units == 0 {
            return;
        }
        let agent = conv.participants[agent].id.clone();
        self.conv_mut(ci).held_units = 0;
        let kind = self.agents.release(&agent, units, ci);
        self.emit(at, None, kind);
    }
}
