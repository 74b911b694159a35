//! What the handlers exchange with each other and with clients (JSON).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The error of a refused command: the SPEC code and a message naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

impl From<chatlife::Error> for Refusal {
    fn from(e: chatlife::Error) -> Refusal {
        Refusal { code: e.code().into(), message: e.message().into() }
    }
}

/// One event as delivered: numbered in the stream of the object that emitted
/// it, gapless from 1. Consumers dedupe by (`source`, `key`, `seq`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Numbered {
    /// `conversation`, `agent` or `identity`: the kind of object.
    pub source: String,
    /// The object's key: a conversation, agent or identity id.
    pub key: String,
    pub seq: u64,
    /// The event in the canonical form of SPEC §10 (fields in order).
    pub event: Value,
}

impl Numbered {
    /// The JSON line the sink receives.
    pub fn line(&self) -> String {
        serde_json::to_string(self).expect("events serialize")
    }
}

/// The answer to one command: the events it produced, in order, or its refusal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub events: Vec<Numbered>,
    pub error: Option<Refusal>,
}

/// When a command happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Now {
    /// The step's `at`: the engine refuses it if it is before the chat's clock.
    At(u64),
    /// Restate's durable clock; the chat's clock if that is later.
    AtLeast(u64),
    /// An advance that fires what is due by then, and is nothing when nothing is.
    Due(u64),
}

/// The agent's side of a step: what its ledger says outside this conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub agent: String,
    pub capacity: Option<u32>,
    pub elsewhere: u32,
}

/// One command for one conversation, from whoever routed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// The step form without `at`.
    pub command: Value,
    pub now: Now,
    /// The agent whose object routed this (and holds its lock), with its ledger.
    pub ledger: Option<Ledger>,
    /// This is the conversation's own delayed tick.
    #[serde(default)]
    pub tick: bool,
    /// A `returning_customer` fanned out by the identity's object.
    #[serde(default)]
    pub offer: bool,
}

/// What a `returning_customer` found in one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    Offered,
    /// Not offered; the redirect URL if its window ran out with one.
    NotOffered(Option<String>),
    /// The conversation is not there (never started, or forgotten).
    Gone,
}

/// How a conversation answered a [`Commit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    /// The step needs another lock; nothing was done.
    pub reroute: Option<Reroute>,
    pub reply: Reply,
    /// The agent whose units the conversation holds now, and how many.
    pub agent: Option<String>,
    pub units: u32,
    pub next_deadline: Option<u64>,
    pub offer: Option<Offer>,
}

/// Which lock a step needs instead of the one it came with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reroute {
    /// The agent whose object must route it; `None`: no agent's.
    pub agent: Option<String>,
    /// The conversation's timers due by then must fire first, under `agent`:
    /// they may release its units before another agent joins.
    pub advance_first: bool,
}

/// What an agent's object did for one conversation: that conversation's
/// answer, and every event of the step (its other conversations' first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStepped {
    pub committed: Committed,
    pub events: Vec<Numbered>,
}

/// What an agent's object is asked to do for one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStep {
    pub conversation: String,
    /// The time the agent's other conversations are brought to first.
    pub until: u64,
    pub commit: Commit,
}

/// An identity's object is told a conversation of it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub conversation: String,
}

/// A conversation's state besides its exported bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The engine's clock after the last accepted step.
    pub clock: u64,
    /// Events numbered so far in this conversation's stream.
    pub seq: u64,
    /// The agent whose units the conversation holds, and how many.
    pub agent: Option<String>,
    pub units: u32,
    pub next_deadline: Option<u64>,
    /// The earliest deadline a delayed tick is pending for.
    pub tick_at: Option<u64>,
    /// SHA-256 (hex) of each link token issued here, in order: lets the
    /// history name a link by its ordinal instead of carrying the secret.
    pub links: Vec<String>,
}
