//! A capacity ledger the host owns (C2, C5 across engines).
//!
//! One engine keeps every agent's used units itself. A host that spreads
//! conversations over several engines (one per conversation, per node, ...)
//! keeps the agent's units over all of them in its own ledger, and tells the
//! engine about to run a command what lies outside it: the agent's capacity
//! and the units the agent holds in conversations that live elsewhere. The
//! engine then refuses a join exactly as one engine holding every conversation
//! would (C2, with the same message), and every `capacity_changed` it emits
//! carries the agent's units over all conversations (C5). The units held
//! elsewhere are kept apart from what this engine's conversations hold, so
//! the invariant check and snapshots account for them.

use super::access::arg;
use super::Engine;
use crate::error::Error;

impl Engine {
    /// Sets what lies outside this engine for `agent`: its capacity (`None`
    /// is unbounded) and the units it holds in conversations of other
    /// engines. The agent's `used` becomes those units plus what this
    /// engine's conversations hold. Emits nothing and moves no clock.
    pub fn set_agent_ledger(&mut self, agent: &str, capacity: Option<u32>, held_elsewhere: u32) -> Result<(), Error> {
        arg("agent", agent)?;
        let holders = self.agents.get(agent).map(|load| load.holders.clone()).unwrap_or_default();
        let here: u32 = holders.iter().map(|&ci| self.conv(ci).held_units).fold(0, u32::saturating_add);
        let id = self.agents.shared_id(agent).unwrap_or_else(|| agent.into());
        let load = crate::agents::AgentLoad {
            used: here.saturating_add(held_elsewhere),
            capacity,
            holders,
            elsewhere: held_elsewhere,
        };
        self.agents.insert(id, load);
        Ok(())
    }

    /// Whether `conversation` is one of `agent`'s holders here: it holds the
    /// agent's units, or parked them on hold (H1) and takes them back when
    /// the hold ends. A host's ledger must step every such conversation
    /// under that agent, units or not.
    pub fn is_holder(&self, agent: &str, conversation: &str) -> bool {
        let Some(ci) = self.conversations.find(conversation) else { return false };
        self.agents.get(agent).is_some_and(|load| load.holders.contains(&ci))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, EventKind, Role};

    fn engine() -> Engine {
        let mut e = Engine::from_json(r#"{"agents": {"default_capacity": 2}}"#).unwrap();
        e.start_conversation(0, "c1", "cu", Default::default()).unwrap();
        e.drain_events(&mut Vec::new());
        e
    }

    fn capacity_events(e: &mut Engine) -> Vec<(u32, Option<u32>)> {
        let mut events = Vec::new();
        e.drain_events(&mut events);
        events
            .into_iter()
            .filter_map(|ev| match ev.kind {
                EventKind::CapacityChanged { used, capacity, .. } => Some((used, capacity)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_join_is_refused_as_one_engine_refuses_it() {
        let mut e = engine();
        e.set_agent_ledger("ag", Some(3), 3).unwrap();
        assert_eq!(e.pending_events(), 0, "setting the ledger emits nothing");
        let before = e.snapshot();
        let err = e.join(10, "c1", "ag", Role::Agent, None).unwrap_err();
        assert_eq!(err.code(), "capacity_exceeded");
        assert_eq!(err.message(), r#"participant: agent "ag" uses 3 of 3 units; this conversation needs 1"#);
        assert_eq!(e.snapshot(), before, "a refused join changes nothing");
        assert_eq!(e.now(), 0);
    }

    #[test]
    fn capacity_changed_counts_units_held_elsewhere() {
        let mut e = engine();
        e.set_agent_ledger("ag", Some(3), 2).unwrap();
        e.join(10, "c1", "ag", Role::Agent, None).unwrap();
        assert_eq!(capacity_events(&mut e), [(3, Some(3))]);
        assert_eq!(e.agent_load("ag"), (3, Some(3)));
        // The ledger moved while this engine was idle: one unit was freed elsewhere.
        e.set_agent_ledger("ag", Some(3), 1).unwrap();
        assert_eq!(e.agent_load("ag"), (2, Some(3)), "used is what is held here plus elsewhere");
        e.end(20, "c1", "cu").unwrap();
        e.close_session(30, "c1", "ag").unwrap();
        assert_eq!(capacity_events(&mut e), [(1, Some(3))]);
    }

    #[test]
    fn units_held_elsewhere_survive_a_snapshot() {
        let mut e = engine();
        e.set_agent_ledger("ag", Some(3), 2).unwrap();
        e.join(10, "c1", "ag", Role::Agent, None).unwrap();
        e.check_invariants().unwrap();
        let again = Engine::from_snapshot(&e.snapshot()).unwrap();
        assert_eq!(again.agent_load("ag"), (3, Some(3)));
        assert_eq!(again.snapshot(), e.snapshot());
    }

    #[test]
    fn zero_elsewhere_is_single_engine_accounting() {
        let mut e = engine();
        e.set_agent_ledger("ag", None, 5).unwrap();
        e.join(10, "c1", "ag", Role::Agent, None).unwrap();
        e.set_agent_ledger("ag", Some(2), 0).unwrap();
        assert_eq!(e.agent_load("ag"), (1, Some(2)));
        e.check_invariants().unwrap();
        Engine::from_snapshot(&e.snapshot()).unwrap();
    }

    #[test]
    fn a_parked_chat_stays_its_agents_holder() {
        let mut e = Engine::from_json(r#"{"policies": {"default": {"hold": {"enabled": true}}}}"#).unwrap();
        e.start_conversation(0, "c1", "cu", Default::default()).unwrap();
        e.join(0, "c1", "ag", Role::Agent, None).unwrap();
        assert!(e.is_holder("ag", "c1"));
        e.hold(1, "c1", "ag").unwrap();
        assert_eq!(e.agent_load("ag").0, 0);
        assert!(e.is_holder("ag", "c1"), "parked, not gone");
        e.end(2, "c1", "cu").unwrap();
        assert!(e.is_holder("ag", "c1"), "wrap-up took the units again");
        e.close_session(3, "c1", "ag").unwrap();
        assert!(!e.is_holder("ag", "c1") && !e.is_holder("ag", "zz"));
    }

    #[test]
    fn the_agent_id_is_checked() {
        let mut e = engine();
        assert_eq!(e.set_agent_ledger("", None, 0).unwrap_err().code(), "invalid_argument");
        assert_eq!(e.set_agent_ledger(&"a".repeat(257), None, 0).unwrap_err().code(), "limit_exceeded");
        assert_eq!(e.agent_load(""), (0, Some(2)), "nothing recorded");
    }
}
