//! One command applied to one conversation, without Restate: the stored
//! bytes are imported into a fresh engine, the agent's ledger is set, the
//! command runs, the conversation is exported again. Handlers wrap this in a
//! journaled `ctx.run`, so a retry replays its result instead of drawing new
//! tokens.

use chatlife::decode_token;
use chatlife::parse_at;
use chatlife::Role;
use chatlife::{Command, Config, Engine, Error, EventKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::wire::{Commit, Committed, Meta, Now, Numbered, Offer, Refusal, Reply, Reroute};

/// A command in the scenario step form, split into its time and the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub at: Option<u64>,
    /// The step without `at`, as the client wrote it.
    pub fields: Value,
    pub command: Command<'static>,
}

fn invalid(message: String) -> Refusal {
    Error::InvalidArgument(message).into()
}

/// Parses a request body with the core's own command parser.
pub fn parse(body: &[u8]) -> Result<Parsed, Refusal> {
    let value: Value = serde_json::from_slice(body).map_err(|e| invalid(format!("command: not JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(invalid("command: must be a JSON object".into()));
    };
    let at = match fields.remove("at") {
        None => None,
        Some(at) => Some(parse_at(&at).map_err(|e| invalid(format!("at: {e}")))?),
    };
    let fields = Value::Object(fields);
    let command = Command::from_value(fields.clone()).map_err(Refusal::from)?;
    Ok(Parsed { at, fields, command })
}

/// The agent a command joins, if it is an agent's join.
pub fn joining_agent<'a>(command: &'a Command<'_>) -> Option<&'a str> {
    match command {
        Command::Join { participant, role: Role::Agent, .. } => Some(participant),
        _ => None,
    }
}

/// The conversation a command is for, when it names one (a link's token names it too).
pub fn target(command: &Command) -> Option<String> {
    match command {
        Command::Reconnect { token: Some(token), conversation: None, .. } => {
            decode_token(token.expose()).ok().map(|(conversation, _)| conversation)
        }
        other => other.conversation().map(str::to_owned),
    }
}

/// Refuses what a conversation's object does not take: commands for another
/// conversation, and those that belong to an agent's or an identity's object.
pub fn check_target(key: &str, command: &Command, offer: bool) -> Result<(), Refusal> {
    match command {
        Command::SetAgentCapacity { .. } => {
            return Err(invalid("op: set_agent_capacity names no conversation; send it to Agent/<agent>/apply".into()))
        }
        Command::ReturningCustomer { .. } if !offer => {
            return Err(invalid(
                "op: returning_customer names no conversation; send it to Identity/<authenticated_as>/apply".into(),
            ))
        }
        Command::Reconnect { token: Some(_), conversation: None, .. } => match target(command) {
            Some(named) if named != key => {
                return Err(invalid(format!("token: names another conversation than this object's key {key:?}")))
            }
            // A malformed token: the engine refuses it with its own message.
            _ => {}
        },
        _ => {
            if let Some(named) = command.conversation() {
                if named != key {
                    return Err(invalid(format!("conversation: {named:?} is not this object's key {key:?}")));
                }
            }
        }
    }
    Ok(())
}

/// Tokens of a seeded configuration (tests only, R-RC8) must differ between
/// conversations and between the steps of one: each step's engine is fresh.
fn step_config(config: &Config, key: &str, seq: u64) -> Config {
    let mut config = config.clone();
    if let Some(seed) = config.seed {
        let mut h = Sha256::new();
        h.update(b"chatlife-restate step seed");
        h.update(seed.to_le_bytes());
        h.update(seq.to_le_bytes());
        h.update(key.as_bytes());
        let digest = h.finalize();
        config.seed = Some(u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")));
    }
    config
}

fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything one step decided: the handler stores and sends exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub committed: Committed,
    /// `None`: nothing to store (refused, rerouted, or an advance with nothing due).
    pub store: Option<Stored>,
    /// New tick bookkeeping, stored even when nothing else is.
    pub tick_at: Option<u64>,
    /// A delayed tick to send: (deadline, delay in ms from the wall clock).
    pub schedule: Option<(u64, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    /// The exported conversation; `None` once it is forgotten or was never started.
    pub conversation: Option<Vec<u8>>,
    pub meta: Meta,
    /// The command as a scenario step with its time, for `history`.
    pub log: Option<Value>,
}

fn refused(error: Refusal, meta: &Meta) -> Committed {
    let mut committed = unchanged(meta);
    committed.reply.error = Some(error);
    committed
}

/// Nothing happened: the conversation stays as `meta` says.
fn unchanged(meta: &Meta) -> Committed {
    Committed {
        reroute: None,
        reply: Reply::default(),
        agent: meta.agent.clone(),
        units: meta.units,
        next_deadline: meta.next_deadline,
        offer: None,
    }
}

/// Whether the caller holds the lock this step needs: the agent whose units
/// the conversation holds, and the agent a join names, must be the caller's.
fn route_error(meta: &Meta, command: &Command, via: Option<&str>, now: u64) -> Option<Reroute> {
    // `agent` is set while the chat holds its units or has parked them (H1).
    let holding = meta.agent.as_deref();
    let to = |agent: Option<&str>, advance_first| Some(Reroute { agent: agent.map(str::to_owned), advance_first });
    if holding.is_some() && holding != via {
        return to(holding, false);
    }
    if let Some(joining) = joining_agent(command) {
        if Some(joining) != via {
            if holding.is_none() {
                return to(Some(joining), false);
            }
            // Held by the caller's agent: once what is due has fired, either
            // the chat still has its agent (the engine refuses the join
            // without asking the other) or it released it (the other routes).
            if meta.next_deadline.is_some_and(|d| d <= now) {
                return to(holding, true);
            }
        }
    }
    None
}

/// Applies `commit` to the conversation `key` whose stored bytes are
/// `stored`. `wall` is the wall clock in ms, for the tick's delay.
pub fn run(config: &Config, key: &str, stored: Option<&[u8]>, meta: &Meta, commit: &Commit, wall: u64) -> Outcome {
    let mut tick_at = meta.tick_at;
    if commit.tick && matches!(commit.now, Now::Due(d) if Some(d) == tick_at) {
        tick_at = None;
    }
    let mut outcome = match apply(config, key, stored, meta, commit) {
        Ok(done) => done,
        Err(error) => Outcome { committed: refused(error, meta), store: None, tick_at, schedule: None },
    };
    let next = outcome.store.as_ref().map_or(meta.next_deadline, |s| s.meta.next_deadline);
    outcome.tick_at = tick_at;
    if outcome.committed.reroute.is_none() {
        if let Some(deadline) = next.filter(|&d| tick_at.is_none_or(|t| d < t)) {
            outcome.schedule = Some((deadline, deadline.saturating_sub(wall)));
            outcome.tick_at = Some(deadline);
        }
    }
    outcome
}

fn apply(config: &Config, key: &str, stored: Option<&[u8]>, meta: &Meta, commit: &Commit) -> Result<Outcome, Refusal> {
    let command = Command::from_value(commit.command.clone()).map_err(Refusal::from)?;
    check_target(key, &command, commit.offer)?;
    let via = commit.ledger.as_ref().map(|l| l.agent.as_str());
    let probe_now = match commit.now {
        Now::At(t) | Now::AtLeast(t) | Now::Due(t) => t,
    };
    if let Some(agent) = route_error(meta, &command, via, probe_now) {
        let mut committed = unchanged(meta);
        committed.reroute = Some(agent);
        return Ok(Outcome { committed, store: None, tick_at: meta.tick_at, schedule: None });
    }

    let mut engine = Engine::new(step_config(config, key, meta.seq)).map_err(Refusal::from)?;
    let holding = meta.agent.as_deref();
    match stored {
        Some(bytes) => {
            if let Some(agent) = holding {
                // Unbounded while importing: the ledger below sets the real capacity.
                engine.set_agent_ledger(agent, None, 0).map_err(Refusal::from)?;
            }
            engine.import_conversation(meta.clock, bytes).map_err(Refusal::from)?;
        }
        None => engine.advance(meta.clock).map_err(Refusal::from)?,
    }
    engine.drain_events(&mut Vec::new());
    let elsewhere = commit.ledger.as_ref().map_or(0, |l| l.elsewhere);
    if let Some(l) = &commit.ledger {
        engine.set_agent_ledger(&l.agent, l.capacity, l.elsewhere).map_err(Refusal::from)?;
    }

    let now = match commit.now {
        Now::At(t) => t,
        Now::AtLeast(t) => t.max(meta.clock),
        Now::Due(d) => {
            if engine.next_deadline().is_none_or(|next| next > d) {
                return Ok(Outcome { committed: unchanged(meta), store: None, tick_at: meta.tick_at, schedule: None });
            }
            d.max(meta.clock)
        }
    };
    engine.apply(now, &command).map_err(Refusal::from)?;

    let mut new_meta = meta.clone();
    let mut offer = commit.offer.then_some(Offer::Gone);
    let mut events = Vec::new();
    while let Some(event) = engine.poll_event() {
        match &event.kind {
            EventKind::NoReconnectOffer { redirect_url } if commit.offer => {
                // The identity's object answers for all its conversations.
                if engine.state(key).is_some() {
                    offer = Some(Offer::NotOffered(redirect_url.as_deref().map(str::to_owned)));
                }
                continue;
            }
            EventKind::ReconnectOffered { .. } => offer = Some(Offer::Offered),
            EventKind::ReconnectLinkIssued { token, .. } => new_meta.links.push(hex_digest(token.expose())),
            _ => {}
        }
        new_meta.seq += 1;
        let value: Value = serde_json::from_str(&event.to_json()).expect("events are JSON");
        events.push(Numbered { source: "conversation".into(), key: key.into(), seq: new_meta.seq, event: value });
    }

    let agent = via.or(holding).map(str::to_owned);
    let units = agent.as_deref().map_or(0, |a| engine.agent_load(a).0.saturating_sub(elsewhere));
    // A parked chat (H1) holds no units but takes them back: it stays the
    // agent's, so its steps keep going through the agent's ledger.
    new_meta.agent = agent.filter(|a| units > 0 || engine.is_holder(a, key));
    new_meta.units = units;
    new_meta.clock = engine.now();
    new_meta.next_deadline = engine.next_deadline();
    let conversation = match engine.state(key) {
        Some(_) => Some(engine.export_conversation(new_meta.clock, key).map_err(Refusal::from)?),
        None => None,
    };
    let log = Some(log_step(now, &commit.command, &command, &meta.links));
    Ok(Outcome {
        committed: Committed {
            reroute: None,
            reply: Reply { events, error: None },
            agent: new_meta.agent.clone(),
            units,
            next_deadline: new_meta.next_deadline,
            offer,
        },
        store: Some(Stored { conversation, meta: new_meta, log }),
        tick_at: meta.tick_at,
        schedule: None,
    })
}

/// The accepted command as a scenario step, `at` first. A link's token is
/// kept as the ordinal of the link it was (`{"link": n}`, `null` for one this
/// conversation never issued): the history carries no secret.
fn log_step(now: u64, fields: &Value, command: &Command, links: &[String]) -> Value {
    let mut step = Map::new();
    step.insert("at".into(), Value::from(now));
    if let Value::Object(fields) = fields {
        for (name, value) in fields {
            step.insert(name.clone(), value.clone());
        }
    }
    if let Command::Reconnect { token: Some(token), .. } = command {
        let digest = hex_digest(token.expose());
        let ordinal = links.iter().position(|l| *l == digest);
        step.insert("token".into(), serde_json::json!({ "link": ordinal }));
    }
    Value::Object(step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> Config {
        Config::from_json(
            r#"{"seed": 1, "agents": {"default_capacity": 2},
                "policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://p.example"}}}}"#,
        )
        .unwrap()
    }

    fn commit(command: Value, now: Now) -> Commit {
        Commit { command, now, ledger: None, tick: false, offer: false }
    }

    fn step(stored: &mut Option<Vec<u8>>, meta: &mut Meta, c: Commit) -> Committed {
        let out = run(&config(), "c1", stored.as_deref(), meta, &c, 0);
        if let Some(s) = out.store {
            *stored = s.conversation;
            *meta = s.meta;
        }
        meta.tick_at = out.tick_at;
        out.committed
    }

    #[test]
    fn a_conversation_lives_across_steps_with_numbered_events() {
        let (mut stored, mut meta) = (None, Meta::default());
        let r = step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "start_conversation", "conversation": "c1", "customer": "cu"}), Now::At(0)),
        );
        assert_eq!(r.reply.events.len(), 1);
        assert_eq!(r.reply.events[0].seq, 1);
        let r = step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "message", "conversation": "c1", "participant": "cu"}), Now::At(10)),
        );
        assert_eq!((r.reply.events.len(), r.reply.error.clone()), (0, None));
        let r = step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "message", "conversation": "c1", "participant": "cu"}), Now::At(5)),
        );
        assert_eq!(r.reply.error.unwrap().code, "time_went_backwards");
        assert_eq!(meta.clock, 10, "a refusal does not move the clock");
    }

    #[test]
    fn a_join_goes_through_its_agent_and_counts_its_ledger() {
        let (mut stored, mut meta) = (None, Meta::default());
        step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "start_conversation", "conversation": "c1", "customer": "cu"}), Now::At(0)),
        );
        let join = json!({"op": "join", "conversation": "c1", "participant": "ag", "role": "agent"});
        let r = step(&mut stored, &mut meta, commit(join.clone(), Now::At(1)));
        assert_eq!(r.reroute.unwrap().agent.as_deref(), Some("ag"), "a join needs its agent's lock");
        let mut c = commit(join.clone(), Now::At(1));
        c.ledger = Some(crate::wire::Ledger { agent: "ag".into(), capacity: Some(2), elsewhere: 2 });
        let r = step(&mut stored, &mut meta, c.clone());
        assert_eq!(
            r.reply.error.unwrap().message,
            r#"participant: agent "ag" uses 2 of 2 units; this conversation needs 1"#
        );
        c.ledger = Some(crate::wire::Ledger { agent: "ag".into(), capacity: Some(2), elsewhere: 1 });
        let r = step(&mut stored, &mut meta, c);
        let last = r.reply.events.last().unwrap().event.to_string();
        assert_eq!(last, r#"{"at":1,"type":"capacity_changed","agent":"ag","used":2,"capacity":2}"#);
        assert_eq!((meta.agent.as_deref(), meta.units), (Some("ag"), 1));
        let r = step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "message", "conversation": "c1", "participant": "cu"}), Now::At(2)),
        );
        assert_eq!(r.reroute.unwrap().agent.as_deref(), Some("ag"), "a chat holding units steps under its agent");
    }

    #[test]
    fn a_tick_that_is_not_due_does_nothing() {
        let (mut stored, mut meta) = (None, Meta::default());
        step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "start_conversation", "conversation": "c1", "customer": "cu"}), Now::At(0)),
        );
        step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "connection_lost", "conversation": "c1", "participant": "cu"}), Now::At(0)),
        );
        assert_eq!(meta.next_deadline, Some(180_000));
        assert_eq!(meta.tick_at, Some(180_000));
        let before = (stored.clone(), meta.clone());
        let mut tick = commit(json!({"op": "advance"}), Now::Due(100_000));
        tick.tick = true;
        let r = step(&mut stored, &mut meta, tick.clone());
        assert!(r.reply.events.is_empty());
        assert_eq!((stored.clone(), meta.clone()), before);
        tick.now = Now::Due(180_000);
        let r = step(&mut stored, &mut meta, tick);
        assert_eq!(r.reply.events[0].event["type"], "customer_disconnected");
        assert_eq!(meta.clock, 180_000);
    }

    #[test]
    fn the_log_names_links_by_ordinal() {
        let (mut stored, mut meta) = (None, Meta::default());
        step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "start_conversation", "conversation": "c1", "customer": "cu"}), Now::At(0)),
        );
        let r = step(
            &mut stored,
            &mut meta,
            commit(json!({"op": "issue_reconnect_link", "conversation": "c1"}), Now::At(1)),
        );
        let token = r.reply.events[0].event["token"].as_str().unwrap().to_owned();
        let out = run(
            &config(),
            "c1",
            stored.as_deref(),
            &meta,
            &commit(json!({"op": "reconnect", "token": token}), Now::At(2)),
            0,
        );
        let log = out.store.unwrap().log.unwrap();
        assert_eq!(log, json!({"at": 2, "op": "reconnect", "token": {"link": 0}}));
    }

    #[test]
    fn commands_for_other_objects_are_refused() {
        let meta = Meta::default();
        for (command, field) in [
            (json!({"op": "set_agent_capacity", "agent": "ag", "capacity": 1}), "op: "),
            (json!({"op": "returning_customer", "authenticated_as": "id"}), "op: "),
            (json!({"op": "message", "conversation": "c2", "participant": "cu"}), "conversation: "),
            (json!({"op": "fly"}), "op: "),
            (json!({"op": "message", "conversation": 7, "participant": "cu"}), "conversation: "),
        ] {
            let out = run(&config(), "c1", None, &meta, &commit(command, Now::At(0)), 0);
            let error = out.committed.reply.error.unwrap();
            assert_eq!(error.code, "invalid_argument");
            assert!(error.message.starts_with(field), "{}", error.message);
            assert!(out.store.is_none());
        }
    }
}
