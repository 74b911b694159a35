//! The `Agent` object, keyed by agent id: the agent's capacity and the chats
//! holding its units, with each one's units and next deadline. Every step
//! that can change the agent's units runs here, one at a time: the agent's
//! chats are first brought to the step's time one deadline at a time (the
//! order one engine fires them in), then the chat's step runs with the ledger.

use std::collections::BTreeMap;

use chatlife::{Command, Engine};
use restate_sdk::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{deliver, refusal, ConversationClient};
use crate::app::{wall_ms, Shared};
use crate::step;
use crate::wire::{AgentStep, AgentStepped, Commit, Committed, Ledger, Now, Numbered, Refusal, Reply};

pub struct Agent(pub Shared);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub units: u32,
    pub next_deadline: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    /// What `set_agent_capacity` set (`None`: unbounded), if it ran; else the default.
    pub capacity: Option<u32>,
    pub capacity_set: bool,
    pub holders: BTreeMap<String, Holder>,
    pub clock: u64,
    /// Events numbered so far in this agent's stream.
    pub seq: u64,
}

/// Bringing chats up to a time stops after this many steps: each step fires
/// at least one deadline, so only a chat that misreports one gets here.
const MAX_ADVANCES: usize = 10_000;

impl AgentState {
    fn capacity(&self, default: Option<u32>) -> Option<u32> {
        if self.capacity_set {
            self.capacity
        } else {
            default
        }
    }

    fn used(&self) -> u32 {
        self.holders.values().map(|h| h.units).fold(0, u32::saturating_add)
    }

    fn ledger(&self, agent: &str, conversation: &str, default: Option<u32>) -> Ledger {
        let elsewhere = self
            .holders
            .iter()
            .filter(|(c, _)| c.as_str() != conversation)
            .map(|(_, h)| h.units)
            .fold(0, u32::saturating_add);
        Ledger { agent: agent.to_owned(), capacity: self.capacity(default), elsewhere }
    }

    /// Records what a chat answered about this agent's units.
    fn update(&mut self, agent: &str, conversation: &str, committed: &Committed) {
        // A chat holding the agent's units, or parked on hold with none (H1).
        if committed.reroute.is_none() && committed.agent.as_deref() == Some(agent) {
            let holder = Holder { units: committed.units, next_deadline: committed.next_deadline };
            self.holders.insert(conversation.to_owned(), holder);
        } else if committed.reroute.is_some() || committed.agent.as_deref() != Some(agent) {
            self.holders.remove(conversation);
        }
    }
}

async fn load(ctx: &ObjectContext<'_>) -> Result<AgentState, TerminalError> {
    Ok(ctx.get::<Json<AgentState>>("agent").await?.map(Json::into_inner).unwrap_or_default())
}

/// Fires every deadline of the agent's chats up to `until`, earliest first.
async fn bring_up(
    ctx: &ObjectContext<'_>,
    default: Option<u32>,
    agent: &str,
    state: &mut AgentState,
    until: u64,
    events: &mut Vec<Numbered>,
) -> Result<(), TerminalError> {
    for _ in 0..MAX_ADVANCES {
        let due = state
            .holders
            .iter()
            .filter_map(|(c, h)| h.next_deadline.filter(|&d| d <= until).map(|d| (d, c.clone())))
            .min();
        let Some((deadline, conversation)) = due else { return Ok(()) };
        let ledger = state.ledger(agent, &conversation, default);
        let commit = Commit {
            command: json!({"op": "advance"}),
            now: Now::Due(deadline),
            ledger: Some(ledger),
            tick: false,
            offer: false,
        };
        let committed = ctx
            .object_client::<ConversationClient>(conversation.as_str())
            .commit(Json(commit))
            .call()
            .await?
            .into_inner();
        events.extend(committed.reply.events.iter().cloned());
        state.update(agent, &conversation, &committed);
        if let Some(h) = state.holders.get_mut(&conversation) {
            // The chat fired everything due by then; a stale deadline must not loop.
            h.next_deadline = h.next_deadline.filter(|&d| d > deadline);
        }
    }
    Ok(())
}

#[restate_sdk::object(invocation_retry_policy(
    initial_interval = "50ms",
    factor = 2.0,
    max_interval = "1s",
    max_attempts = 100000,
    on_max_attempts = "pause"
))]
impl Agent {
    /// Runs one conversation's step under this agent's lock (see the module doc).
    #[handler(ingress_private)]
    async fn step(&self, ctx: ObjectContext<'_>, step: Json<AgentStep>) -> HandlerResult<Json<AgentStepped>> {
        let key = ctx.key().to_owned();
        let default = self.0.config.default_capacity;
        let mut state = load(&ctx).await?;
        let AgentStep { conversation, until, mut commit } = step.into_inner();
        let mut events = Vec::new();
        bring_up(&ctx, default, &key, &mut state, until, &mut events).await?;
        commit.ledger = Some(state.ledger(&key, &conversation, default));
        let committed = ctx
            .object_client::<ConversationClient>(conversation.as_str())
            .commit(Json(commit))
            .call()
            .await?
            .into_inner();
        if committed.reroute.is_none() {
            state.update(&key, &conversation, &committed);
        }
        events.extend(committed.reply.events.iter().cloned());
        ctx.set("agent", Json(state));
        Ok(Json(AgentStepped { committed, events }))
    }

    /// `set_agent_capacity` for this agent, in the scenario step form.
    #[handler]
    async fn apply(&self, ctx: ObjectContext<'_>, body: Vec<u8>) -> HandlerResult<Json<Reply>> {
        let key = ctx.key().to_owned();
        let parsed = match step::parse(&body) {
            Ok(parsed) => parsed,
            Err(error) => return refusal(error),
        };
        let Command::SetAgentCapacity { agent, capacity } = &parsed.command else {
            return refusal(chatlife::Error::InvalidArgument(format!(
                "op: {:?} is not an agent's command; the Agent object takes set_agent_capacity",
                parsed.command.op()
            )));
        };
        if *agent != key {
            return refusal(chatlife::Error::InvalidArgument(format!(
                "agent: {agent:?} is not this object's key {key:?}"
            )));
        }
        let wall: u64 = ctx.run(|| async { Ok(wall_ms()) }).name("clock").await?;
        let mut state = load(&ctx).await?;
        let now = parsed.at.unwrap_or(wall.max(state.clock));
        let config = &self.0.config;
        // The core checks the id and the time, and writes the event.
        let event = |state: &AgentState| -> Result<Value, Refusal> {
            let mut engine = Engine::new(config.clone())?;
            engine.advance(state.clock)?;
            engine.set_agent_ledger(&key, state.capacity(config.default_capacity), state.used())?;
            engine.set_agent_capacity(now, &key, *capacity)?;
            let event = engine.poll_event().expect("set_agent_capacity emits capacity_changed");
            Ok(serde_json::from_str(&event.to_json()).expect("events are JSON"))
        };
        if let Err(error) = event(&state) {
            return refusal(error);
        }
        let mut events = Vec::new();
        bring_up(&ctx, config.default_capacity, &key, &mut state, now, &mut events).await?;
        let event = match event(&state) {
            Ok(event) => event,
            Err(error) => return refusal(error),
        };
        state.capacity = *capacity;
        state.capacity_set = true;
        state.clock = now;
        state.seq += 1;
        let numbered = Numbered { source: "agent".into(), key: key.clone(), seq: state.seq, event };
        ctx.set("agent", Json(state));
        deliver(&ctx, &self.0.sink, vec![numbered.clone()]).await?;
        events.push(numbered);
        Ok(Json(Reply { events, error: None }))
    }

    /// The ledger: capacity, the chats holding units, clock and events numbered.
    #[handler]
    async fn ledger(&self, ctx: SharedObjectContext<'_>) -> HandlerResult<Json<AgentState>> {
        Ok(Json(ctx.get::<Json<AgentState>>("agent").await?.map(Json::into_inner).unwrap_or_default()))
    }
}
