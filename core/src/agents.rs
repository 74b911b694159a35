//! Agent capacity (docs/rules.md §4): units each agent may hold and the units held now.
//! Every change of `used` produces a `capacity_changed` event (C5).

use std::collections::HashMap;

use crate::events::EventKind;
use crate::id::{Id, IdHasher};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentLoad {
    pub used: u32,
    /// `None` is unbounded.
    pub capacity: Option<u32>,
    /// Slab indexes of the conversations holding this agent's units.
    pub holders: Vec<u32>,
    /// Units the agent holds in other engines' conversations, as the host's
    /// ledger says (`Engine::set_agent_ledger`); part of `used`.
    pub elsewhere: u32,
}

#[derive(Debug, Clone)]
pub struct Agents {
    default_capacity: Option<u32>,
    loads: HashMap<Id, AgentLoad, IdHasher>,
}

impl Agents {
    pub fn new(default_capacity: Option<u32>) -> Agents {
        Agents { default_capacity, loads: HashMap::default() }
    }

    pub fn get(&self, agent: &str) -> Option<&AgentLoad> {
        self.loads.get(agent)
    }

    /// The id as the table holds it, to share rather than copy.
    pub fn shared_id(&self, agent: &str) -> Option<Id> {
        self.loads.get_key_value(agent).map(|(id, _)| id.clone())
    }

    /// Copies one agent's record from another table (trial engines).
    pub fn copy_from(&mut self, other: &Agents, agent: &str) {
        if let Some((id, load)) = other.loads.get_key_value(agent) {
            self.loads.insert(id.clone(), load.clone());
        }
    }

    /// Every agent record, in no particular order.
    pub fn loads(&self) -> impl Iterator<Item = (&Id, &AgentLoad)> {
        self.loads.iter()
    }

    /// Puts back a record read from a snapshot.
    pub fn insert(&mut self, agent: Id, load: AgentLoad) {
        self.loads.insert(agent, load);
    }

    /// Replaces the holder list (trial engines renumber conversations).
    pub fn replace_holders(&mut self, agent: &str, holders: Vec<u32>) {
        if let Some(load) = self.loads.get_mut(agent) {
            load.holders = holders;
        }
    }

    /// Whether `units` more fit under the agent's capacity (C2).
    pub fn fits(&self, agent: &str, units: u32) -> bool {
        let (used, capacity) = match self.loads.get(agent) {
            Some(load) => (load.used, load.capacity),
            None => (0, self.default_capacity),
        };
        capacity.is_none_or(|cap| used.saturating_add(units) <= cap)
    }

    /// The capacity the agent has now, for error messages.
    pub fn describe(&self, agent: &str) -> (u32, Option<u32>) {
        self.loads.get(agent).map_or((0, self.default_capacity), |l| (l.used, l.capacity))
    }

    fn load(&mut self, agent: &Id) -> &mut AgentLoad {
        let default_capacity = self.default_capacity;
        self.loads.entry(agent.clone()).or_insert_with(|| AgentLoad {
            used: 0,
            capacity: default_capacity,
            holders: Vec::new(),
            elsewhere: 0,
        })
    }

    fn changed(agent: &Id, load: &AgentLoad) -> EventKind {
        EventKind::CapacityChanged { agent: agent.clone(), used: load.used, capacity: load.capacity }
    }

    pub fn hold(&mut self, agent: &Id, units: u32, conversation: u32) -> EventKind {
        let load = self.load(agent);
        load.used = load.used.saturating_add(units);
        load.holders.push(conversation);
        Self::changed(agent, load)
    }

    pub fn release(&mut self, agent: &Id, units: u32, conversation: u32) -> EventKind {
        let load = self.load(agent);
        load.used = load.used.saturating_sub(units);
        if let Some(i) = load.holders.iter().position(|&c| c == conversation) {
            load.holders.swap_remove(i);
        }
        Self::changed(agent, load)
    }

    /// H1: the conversation parks its units; it stays a holder, of none.
    pub fn park(&mut self, agent: &Id, units: u32) -> EventKind {
        let load = self.load(agent);
        load.used = load.used.saturating_sub(units);
        Self::changed(agent, load)
    }

    /// H2, H3: a parked conversation takes its units again, even above
    /// capacity (the caller checked where it must).
    pub fn unpark(&mut self, agent: &Id, units: u32) -> EventKind {
        let load = self.load(agent);
        load.used = load.used.saturating_add(units);
        Self::changed(agent, load)
    }

    /// A parked conversation that will not take its units again leaves the list.
    pub fn drop_holder(&mut self, agent: &Id, conversation: u32) {
        let load = self.load(agent);
        if let Some(i) = load.holders.iter().position(|&c| c == conversation) {
            load.holders.swap_remove(i);
        }
    }

    /// An imported parked conversation joins the list without units.
    pub fn add_holder(&mut self, agent: &Id, conversation: u32) {
        self.load(agent).holders.push(conversation);
    }

    pub fn set_capacity(&mut self, agent: &Id, capacity: Option<u32>) -> EventKind {
        let load = self.load(agent);
        load.capacity = capacity;
        Self::changed(agent, load)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_and_releases_within_capacity() {
        let mut a = Agents::new(Some(2));
        let ag: Id = "ag".into();
        assert!(a.fits("ag", 2));
        assert!(!a.fits("ag", 3));
        a.hold(&ag, 1, 7);
        assert!(a.fits("ag", 1));
        assert!(!a.fits("ag", 2));
        let e = a.release(&ag, 1, 7);
        assert_eq!(e, EventKind::CapacityChanged { agent: ag.clone(), used: 0, capacity: Some(2) });
        assert!(a.get("ag").unwrap().holders.is_empty());
        a.set_capacity(&ag, None);
        assert!(a.fits("ag", 1_000));
    }
}
