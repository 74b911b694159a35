//! Durable state: [`Engine::snapshot`] writes everything the engine holds —
//! configuration, clock, conversations with their participants, every timer
//! with its exact deadline and arming order, capacity, token digests (never
//! tokens) and the seeded token stream — as versioned JSON bytes;
//! [`Engine::restore`] continues from them with exactly the events the
//! original would have produced.
//!
//! Events not yet polled are not part of a snapshot: drain them first.
//!
//! Snapshot bytes are input like any other: a corrupted, truncated, hostile or
//! future-version snapshot is refused with `invalid_argument` naming the JSON
//! path, and the engine it was meant for is left as it was.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::agents::{AgentLoad, Agents};
use crate::config::{Config, Policy};
use crate::conversation::{Connection, Conversation, TimerFor, CUSTOMER, MAX_PARTICIPANTS};
use crate::engine::{Engine, Scope};
use crate::error::{path_message, Error};
use crate::id::{check_id, Id};
use crate::time::MAX_TIME;
use crate::token::{SavedStream, TokenSource, MAX_TOKEN_RECORDS};
use crate::vocab::{Role, State};
use crate::wheel::{Wheel, MAX_SEQ};

/// Version of the snapshot format. Bump it on any change a reader of the old
/// format would misread; readers refuse versions newer than theirs and read
/// every older one. 2 (SPEC v2): holds, inactivity and warning timers.
pub const SCHEMA_VERSION: u32 = 2;
/// The oldest version this chatlife still reads.
const OLDEST_READ: u64 = 1;

/// The farthest ahead any engine timer is armed: retain, max duration and
/// auto-close are at most 7 days, the reconnect window a day; with margin.
const MAX_DEADLINE_AHEAD: u64 = 30 * crate::time::DAY;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    schema_version: u32,
    config: Value,
    now: u64,
    next_seq: u64,
    token_stream: Option<SavedStream>,
    conversations: Vec<Conversation>,
    timers: Vec<SavedTimer>,
    agents: Vec<SavedAgent>,
    /// Each signed-in customer's conversations, oldest first (offer order).
    identities: Vec<(Id, Vec<Id>)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedTimer {
    conversation: Id,
    what: TimerFor,
    deadline: u64,
    seq: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedAgent {
    agent: Id,
    used: u32,
    capacity: Option<u32>,
    holders: Vec<Id>,
    /// Units held in other engines (`Engine::set_agent_ledger`); absent in v1.
    #[serde(default, skip_serializing_if = "is_zero")]
    elsewhere: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn bad(message: String) -> Error {
    Error::InvalidArgument(format!("snapshot.{message}"))
}

impl Engine {
    /// Everything the engine holds, as versioned JSON bytes. Take it after
    /// draining events: pending events are not included.
    pub fn snapshot(&self) -> Vec<u8> {
        let id_of = |ci: u32| self.conv(ci).id.clone();
        let mut timers: Vec<SavedTimer> = self
            .wheel
            .iter()
            .map(|(_, deadline, seq, r)| SavedTimer {
                conversation: id_of(r.conversation),
                what: r.what,
                deadline,
                seq,
            })
            .collect();
        timers.sort_by_key(|t| t.seq);
        let mut agents: Vec<SavedAgent> = self
            .agents
            .loads()
            .map(|(agent, load)| SavedAgent {
                agent: agent.clone(),
                used: load.used,
                capacity: load.capacity,
                holders: load.holders.iter().map(|&ci| id_of(ci)).collect(),
                elsewhere: load.elsewhere,
            })
            .collect();
        agents.sort_by(|a, b| a.agent.cmp(&b.agent));
        let mut identities: Vec<(Id, Vec<Id>)> = self
            .by_identity
            .iter()
            .map(|(identity, list)| (identity.clone(), list.iter().map(|&ci| id_of(ci)).collect()))
            .collect();
        identities.sort_by(|a, b| a.0.cmp(&b.0));
        let snapshot = Snapshot {
            schema_version: SCHEMA_VERSION,
            config: self.config.to_value(),
            now: self.now,
            next_seq: self.wheel.next_seq(),
            token_stream: self.tokens.saved(),
            conversations: self.conversations.iter().map(|(_, c)| c.clone()).collect(),
            timers,
            agents,
            identities,
        };
        serde_json::to_vec(&snapshot).expect("snapshots serialize to JSON infallibly")
    }

    /// Replaces this engine's whole state with a snapshot's. On error the
    /// engine is untouched.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), Error> {
        *self = Engine::from_snapshot(bytes)?;
        Ok(())
    }

    /// A new engine continuing from a snapshot.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Engine, Error> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            Error::InvalidArgument(format!("snapshot: not a chatlife snapshot (corrupted or truncated): {e}"))
        })?;
        match value.get("schema_version").and_then(Value::as_u64) {
            Some(v) if (OLDEST_READ..=SCHEMA_VERSION as u64).contains(&v) => {}
            Some(v) if v > SCHEMA_VERSION as u64 => {
                return Err(bad(format!(
                    "schema_version: {v} is newer than this chatlife reads ({SCHEMA_VERSION}); upgrade chatlife"
                )))
            }
            Some(v) => return Err(bad(format!("schema_version: {v} is not a version this chatlife reads"))),
            None => return Err(bad("schema_version: missing".into())),
        }
        let s: Snapshot = serde_path_to_error::deserialize(value).map_err(|e| bad(path_message(e)))?;
        let config = Config::from_value(s.config).map_err(|e| bad(format!("config.{}", e.message())))?;
        if s.now > MAX_TIME {
            return Err(bad(format!("now: {} is above {MAX_TIME}", s.now)));
        }
        if s.next_seq > MAX_SEQ {
            return Err(bad(format!("next_seq: {} is above {MAX_SEQ}", s.next_seq)));
        }
        let mut engine = Engine::new(config)?;
        engine.now = s.now;
        engine.wheel = Wheel::new(s.now);
        engine.tokens = TokenSource::from_saved(s.token_stream.as_ref());

        for (i, conv) in s.conversations.into_iter().enumerate() {
            check_conversation(&conv, engine.config.policies.len())
                .map_err(|m| bad(format!("conversations[{i}]{m}")))?;
            if engine.conversations.contains(&conv.id) {
                return Err(bad(format!("conversations[{i}].id: {:?} appears twice", conv.id)));
            }
            engine.conversations.insert(conv);
        }

        let mut armed = HashSet::new();
        let mut last_seq = None;
        for (i, t) in s.timers.iter().enumerate() {
            let at = |m: &str| bad(format!("timers[{i}]{m}"));
            let ci = engine.conversations.find(&t.conversation).ok_or_else(|| at(": names an unknown conversation"))?;
            let conv = engine.conv(ci);
            check_timer(conv, t.what, &engine.config.policies[conv.policy as usize]).map_err(|m| at(&m))?;
            if t.deadline < s.now {
                return Err(at(".deadline: before the snapshot's time; it would fire out of order"));
            }
            if t.deadline - s.now > MAX_DEADLINE_AHEAD {
                return Err(at(".deadline: further ahead than any timer the engine arms"));
            }
            if last_seq.is_some_and(|l| t.seq <= l) || t.seq >= s.next_seq {
                return Err(at(".seq: timers must be listed in increasing arming order below next_seq"));
            }
            last_seq = Some(t.seq);
            if !armed.insert((ci, t.what)) {
                return Err(at(": the same timer appears twice"));
            }
            engine.attach_timer(ci, t.what, t.deadline, Some(t.seq));
        }
        for (ci, conv) in engine.conversations.iter() {
            for (p, part) in conv.participants.iter().enumerate() {
                if let Connection::Lost(since) | Connection::Disconnected(since) = part.connection() {
                    if since > s.now {
                        return Err(bad(format!(
                            "conversations: {:?} lost a connection after the snapshot's time",
                            conv.id
                        )));
                    }
                }
                if matches!(part.connection(), Connection::Lost(_)) && !armed.contains(&(ci, TimerFor::Grace(p as u8)))
                {
                    return Err(bad(format!("conversations: {:?} lost a connection with no grace timer", conv.id)));
                }
            }
        }
        // Arming order continues where the original left off.
        engine.wheel.continue_seq_from(s.next_seq);

        let mut agents = Agents::new(engine.config.default_capacity);
        for (i, a) in s.agents.into_iter().enumerate() {
            check_id(&a.agent).map_err(|m| bad(format!("agents[{i}].agent: {m}")))?;
            let mut holders = Vec::with_capacity(a.holders.len());
            for id in &a.holders {
                let ci =
                    engine.conversations.find(id).ok_or_else(|| bad(format!("agents[{i}].holders: unknown {id:?}")))?;
                holders.push(ci);
            }
            agents.insert(a.agent, AgentLoad { used: a.used, capacity: a.capacity, holders, elsewhere: a.elsewhere });
        }
        engine.agents = agents;

        let mut by_identity: HashMap<Id, Vec<u32>, crate::id::IdHasher> = HashMap::default();
        for (i, (identity, ids)) in s.identities.into_iter().enumerate() {
            let mut list = Vec::with_capacity(ids.len());
            for id in &ids {
                let ci =
                    engine.conversations.find(id).ok_or_else(|| bad(format!("identities[{i}]: unknown {id:?}")))?;
                if engine.conv(ci).identity() != Some(&*identity) {
                    return Err(bad(format!("identities[{i}]: {id:?} is not signed in as {identity:?}")));
                }
                list.push(ci);
            }
            by_identity.insert(identity, list);
        }
        engine.by_identity = by_identity;
        engine.events = VecDeque::new();
        // What the field checks above cannot see (agents' units against what
        // their conversations hold, ...) the invariant check does.
        engine.check_invariants().map_err(|problem| bad(format!("conversations: inconsistent: {problem}")))?;
        Ok(engine)
    }
}

/// The invariants the engine relies on to index without checking; returns the
/// problem behind a path suffix (`.field: ...`).
pub(crate) fn check_conversation(conv: &Conversation, policies: usize) -> Result<(), String> {
    check_id(&conv.id).map_err(|m| format!(".id: {m}"))?;
    if conv.policy as usize >= policies {
        return Err(format!(".policy: {} is not a policy of the configuration", conv.policy));
    }
    let n = conv.participants.len();
    if n == 0 || n > MAX_PARTICIPANTS {
        return Err(format!(".participants: {n} entries; 1 to {MAX_PARTICIPANTS} are allowed"));
    }
    let mut seen = HashSet::new();
    for (p, part) in conv.participants.iter().enumerate() {
        check_id(&part.id).map_err(|m| format!(".participants[{p}].id: {m}"))?;
        if let Some(name) = &part.display_name {
            check_id(name).map_err(|m| format!(".participants[{p}].display_name: {m}"))?;
        }
        if (p == CUSTOMER) != (part.role == Role::Customer) {
            return Err(format!(".participants[{p}].role: the customer, and only the customer, comes first"));
        }
        if !seen.insert(&part.id) {
            return Err(format!(".participants[{p}].id: {:?} appears twice", part.id));
        }
    }
    if let Some(a) = conv.assigned_agent() {
        if a >= n || conv.participants[a].role != Role::Agent {
            return Err(format!(".assigned_agent: {a} is not an agent of this conversation"));
        }
    } else if conv.held_units > 0 {
        return Err(".held_units: units held with no assigned agent".into());
    }
    if conv.on_hold && (conv.state != State::Active || conv.assigned_agent().is_none()) {
        return Err(".on_hold: only an active conversation with its agent is on hold".into());
    }
    if let Some(identity) = &conv.authenticated_as {
        check_id(identity).map_err(|m| format!(".authenticated_as: {m}"))?;
    }
    if conv.tokens.len() > MAX_TOKEN_RECORDS {
        return Err(format!(".tokens: more than {MAX_TOKEN_RECORDS} records"));
    }
    Ok(())
}

/// Whether a timer of kind `what` can belong to `conv`, under its policy.
pub(crate) fn check_timer(conv: &Conversation, what: TimerFor, policy: &Policy) -> Result<(), String> {
    let closed = conv.state == State::Closed;
    match what {
        TimerFor::Forget if !closed => Err(".what: only a closed conversation is forgotten".into()),
        TimerFor::Forget => Ok(()),
        _ if closed => Err(".what: a closed conversation has no timer but forget".into()),
        TimerFor::Activity(p) | TimerFor::Grace(p) => {
            let part = conv.participants.get(p as usize).ok_or(".what: names no participant")?;
            if !part.present {
                return Err(".what: names a participant who left".into());
            }
            if matches!(what, TimerFor::Grace(_)) && !matches!(part.connection(), Connection::Lost(_)) {
                return Err(".what: a grace timer for a connection that is not lost".into());
            }
            Ok(())
        }
        TimerFor::Inactivity if conv.state != State::Active || conv.on_hold => {
            Err(".what: inactivity runs only in an active conversation not on hold".into())
        }
        TimerFor::HoldAutoClose if !conv.on_hold => Err(".what: a hold auto-close off hold".into()),
        TimerFor::Warning(warned, n) if n as usize >= policy.warnings.leads(warned).len() => {
            Err(".what: a warning the policy does not give".into())
        }
        _ => Ok(()),
    }
}

/// One conversation on its way to another engine.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Exported {
    schema_version: u32,
    /// The policy by name: the target engine's configuration numbers its own.
    policy: Arc<str>,
    conversation: Conversation,
    /// (what, deadline), in arming order.
    timers: Vec<(TimerFor, u64)>,
}

impl Engine {
    /// Moves a conversation out of this engine, with the capacity it holds:
    /// the agent's units are released here (`capacity_changed`) and held again
    /// by [`Engine::import_conversation`] on the target. Timers due at or
    /// before `now` fire first, as for any command. Keep the bytes until the
    /// import succeeded: the conversation is gone from this engine.
    pub fn export_conversation(&mut self, now: u64, conversation: &str) -> Result<Vec<u8>, Error> {
        let scope = Scope::of(conversation);
        self.run(now, scope, |e| e.index(conversation), |e, ci| e.export_at(now, ci))
    }

    /// Takes in a conversation exported by another engine whose configuration
    /// has a policy of the same name. Its timers keep their deadlines (none may
    /// be before `now`) and their order among themselves.
    pub fn import_conversation(&mut self, now: u64, bytes: &[u8]) -> Result<(), Error> {
        let exported: Exported = serde_json::from_slice::<Value>(bytes)
            .map_err(|e| format!(": not an exported conversation (corrupted or truncated): {e}"))
            .and_then(|v| {
                match v.get("schema_version").and_then(Value::as_u64) {
                    Some(v) if (OLDEST_READ..=SCHEMA_VERSION as u64).contains(&v) => {}
                    Some(v) => return Err(format!(".schema_version: {v} is not a version this chatlife reads")),
                    None => return Err(".schema_version: missing".into()),
                }
                serde_path_to_error::deserialize(v).map_err(|e| format!(".{}", path_message(e)))
            })
            .map_err(|m| Error::InvalidArgument(format!("conversation_bytes{m}")))?;
        let conv = &exported.conversation;
        // The import holds this agent's units: its other chats are in scope.
        let agent = conv.assigned_agent().and_then(|a| conv.participants.get(a)).map(|p| p.id.clone());
        let scope = Scope { conversation: Some(&conv.id), agent: agent.as_deref() };
        self.run(now, scope, |e| e.check_import(now, &exported), |e, conv| e.apply_import(now, conv, &exported.timers))
    }

    fn export_at(&mut self, now: u64, ci: u32) -> Vec<u8> {
        let conv = self.conv(ci);
        let mut timers: Vec<(u64, TimerFor, u64)> = self
            .wheel
            .iter()
            .filter(|(_, _, _, r)| r.conversation == ci)
            .map(|(_, deadline, seq, r)| (seq, r.what, deadline))
            .collect();
        timers.sort_by_key(|t| t.0);
        let exported = Exported {
            schema_version: SCHEMA_VERSION,
            policy: self.config.policies[conv.policy as usize].name.clone(),
            conversation: conv.clone(),
            timers: timers.into_iter().map(|(_, what, deadline)| (what, deadline)).collect(),
        };
        let bytes = serde_json::to_vec(&exported).expect("conversations serialize to JSON infallibly");
        self.remove_conversation(now, ci);
        bytes
    }

    /// The record to insert, renumbered to this engine's policy.
    fn check_import(&self, now: u64, exported: &Exported) -> Result<Conversation, Error> {
        let policy = self.config.policy_index(&exported.policy).ok_or_else(|| {
            Error::InvalidConfig(format!(
                "policy: {:?} is not a policy of this engine's configuration",
                exported.policy
            ))
        })?;
        let mut conv = exported.conversation.clone();
        conv.policy = policy as u32;
        let problem = |m: String| Error::InvalidArgument(format!("conversation_bytes.conversation{m}"));
        check_conversation(&conv, self.config.policies.len()).map_err(problem)?;
        let mut seen = HashSet::new();
        for &(what, deadline) in &exported.timers {
            check_timer(&conv, what, &self.config.policies[policy]).map_err(|m| problem(format!(".timers{m}")))?;
            if !seen.insert(what) {
                return Err(problem(".timers: the same timer appears twice".into()));
            }
            if deadline < now {
                return Err(Error::InvalidState(format!(
                    "conversation_bytes: a timer of {:?} was due at {deadline}, before this engine's time {now}",
                    conv.id
                )));
            }
        }
        if self.conversations.contains(&conv.id) {
            return Err(Error::DuplicateConversation(format!("conversation: {:?} already exists", conv.id)));
        }
        if let Some(a) = conv.assigned_agent().filter(|_| conv.held_units > 0) {
            self.check_fits("conversation_bytes", &conv.participants[a].id, conv.held_units, "holds")?;
        }
        for key in conv.timer_keys_mut() {
            *key = None;
        }
        Ok(conv)
    }

    fn apply_import(&mut self, now: u64, conv: Conversation, timers: &[(TimerFor, u64)]) {
        let held = conv.assigned_agent().filter(|_| conv.held_units > 0).map(|a| conv.participants[a].id.clone());
        let parked = conv.assigned_agent().filter(|_| conv.on_hold && conv.held_units == 0);
        let parked = parked.map(|a| conv.participants[a].id.clone());
        let units = conv.held_units;
        let identity = conv.authenticated_as.clone();
        let ci = self.conversations.insert(conv);
        if let Some(identity) = identity {
            self.by_identity.entry(*identity).or_default().push(ci);
        }
        for &(what, deadline) in timers {
            self.attach_timer(ci, what, deadline, None);
        }
        if let Some(agent) = held {
            let kind = self.agents.hold(&agent, units, ci);
            self.emit(now, None, kind);
        }
        if let Some(agent) = parked {
            self.agents.add_holder(&agent, ci);
        }
    }
}

impl Engine {
    /// Checks the engine's internal consistency: every agent's used units equal
    /// what its conversations hold, closed conversations keep only their forget
    /// timer, every stored timer key is live and points back at its owner.
    /// For tests, fuzzing and hosts that want to assert after a restore.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut held: HashMap<&str, (u32, Vec<u32>)> = HashMap::new();
        for (ci, conv) in self.conversations.iter() {
            check_conversation(conv, self.config.policies.len()).map_err(|m| format!("{}{m}", conv.id))?;
            if self.conversations.find(&conv.id) != Some(ci) {
                return Err(format!("{}: not indexed by its id", conv.id));
            }
            // A parked conversation (H1) stays its agent's holder, of no units.
            if conv.held_units > 0 || (conv.on_hold && conv.assigned_agent().is_some()) {
                let agent = &conv.participants[conv.assigned_agent().expect("checked above")].id;
                let entry = held.entry(agent).or_default();
                entry.0 += conv.held_units;
                entry.1.push(ci);
            }
            for part in conv.participants.iter().filter(|p| p.activity.is_some()) {
                if self.wheel.deadline(part.activity.expect("filtered")) != Some(part.activity_due) {
                    return Err(format!("{}: {}'s activity deadline differs from the wheel's", conv.id, part.id));
                }
            }
            for key in conv.timer_keys().flatten() {
                let (_, _, r) =
                    self.wheel.get(key).ok_or_else(|| format!("{}: a stored timer key is stale", conv.id))?;
                if r.conversation != ci {
                    return Err(format!("{}: a timer key points at another conversation", conv.id));
                }
                check_timer(conv, r.what, &self.config.policies[conv.policy as usize])
                    .map_err(|m| format!("{}{m}", conv.id))?;
            }
        }
        for (agent, load) in self.agents.loads() {
            let (units, mut holders) = held.remove(&**agent).unwrap_or_default();
            if load.used != units.saturating_add(load.elsewhere) {
                return Err(format!(
                    "agent {agent}: uses {} units but its conversations hold {units} and other engines {}",
                    load.used, load.elsewhere
                ));
            }
            let mut listed = load.holders.clone();
            listed.sort_unstable();
            holders.sort_unstable();
            if listed != holders {
                return Err(format!("agent {agent}: holder list does not match the conversations"));
            }
        }
        if let Some((agent, _)) = held.into_iter().next() {
            return Err(format!("agent {agent}: holds units but has no capacity record"));
        }
        self.wheel.check_earliest()?;
        let timers = self.conversations.iter().map(|(_, c)| c.timer_keys().flatten().count()).sum::<usize>();
        if timers != self.wheel.len() {
            return Err(format!("the wheel holds {} timers but conversations own {timers}", self.wheel.len()));
        }
        Ok(())
    }
}
