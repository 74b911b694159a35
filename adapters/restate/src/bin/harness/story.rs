//! A merged history of many chats, told twice: to one in-process engine (the
//! reference) and through restate-server's ingress; and the canonical form
//! both are compared in (docs/decisions.md, "chatlife on Restate").

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chatlife::{encode_token, SECRET_BYTES};
use chatlife::{Config, Engine, TimedCommand};
use chatlife_restate::wire::{Numbered, Refusal, Reply};
use serde_json::{json, Map, Value};

use crate::client::{segment, Ingress};

/// A reconnect step's token, known only once the chat issued it.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// The `index`-th link the conversation issued (a forged one if it has not).
    Issued { conversation: String, index: usize },
    /// A well-formed token naming the conversation, with a secret nobody issued.
    Forged { conversation: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: u64,
    /// `op` and its fields; a `token` is filled in from `link`.
    pub fields: Map<String, Value>,
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Default)]
pub struct Story {
    pub name: String,
    pub steps: Vec<Step>,
    /// Every conversation the story names: an `advance` goes to each.
    pub conversations: Vec<String>,
}

/// Tokens each conversation issued, in order.
#[derive(Default)]
pub struct Tokens(BTreeMap<String, Vec<String>>);

impl Tokens {
    fn learn(&mut self, event: &Value) {
        if event["type"] == "reconnect_link_issued" {
            let (Some(c), Some(t)) = (event["conversation"].as_str(), event["token"].as_str()) else { return };
            self.0.entry(c.to_owned()).or_default().push(t.to_owned());
        }
    }

    fn token(&self, link: &Link) -> String {
        let forged = |c: &str| encode_token(c, &[7u8; SECRET_BYTES]);
        match link {
            Link::Issued { conversation, index } => {
                self.0.get(conversation).and_then(|t| t.get(*index)).cloned().unwrap_or_else(|| forged(conversation))
            }
            Link::Forged { conversation } => forged(conversation),
        }
    }
}

impl Step {
    fn command(&self, tokens: &Tokens) -> Map<String, Value> {
        let mut fields = self.fields.clone();
        if let Some(link) = &self.link {
            fields.insert("token".into(), Value::String(tokens.token(link)));
        }
        fields
    }
}

/// What a telling gave: each step's refusal (if any) and the canonical events.
pub struct Told {
    pub refusals: Vec<Option<Refusal>>,
    pub canonical: Canonical,
}

/// One in-process engine for the whole merged history.
pub fn reference(config: &Config, story: &Story) -> Told {
    let mut engine = Engine::new(config.clone()).expect("the configuration is valid");
    let mut tokens = Tokens::default();
    let mut canonical = Canonical::default();
    let mut refusals = Vec::new();
    for step in &story.steps {
        let mut fields = step.command(&tokens);
        fields.insert("at".into(), json!(step.at));
        let refusal = match TimedCommand::from_value(Value::Object(fields)) {
            Ok(c) => engine.apply(c.at, &c.command).err().map(Refusal::from),
            Err(e) => Some(e.into()),
        };
        refusals.push(refusal);
        while let Some(event) = engine.poll_event() {
            let value: Value = serde_json::from_str(&event.to_json()).expect("events are JSON");
            tokens.learn(&value);
            canonical.add(&value);
        }
    }
    Told { refusals, canonical }
}

/// Where a step goes through the ingress.
fn endpoints(step: &Map<String, Value>, story: &Story) -> Vec<String> {
    match (step.get("op").and_then(Value::as_str), step.get("conversation").and_then(Value::as_str)) {
        (Some("advance"), _) => {
            story.conversations.iter().map(|c| format!("Conversation/{}/apply", segment(c))).collect()
        }
        (_, Some(c)) => vec![format!("Conversation/{}/apply", segment(c))],
        _ => vec!["Chatlife/apply".into()],
    }
}

/// Sends one command until restate-server answers it; the idempotency key
/// makes a repeat after a lost answer attach to the first invocation.
pub async fn call(ingress: &Ingress, path: &str, body: &Value, key: &str) -> Result<Reply, String> {
    let url = format!("{}/{path}", ingress.url);
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < Duration::from_secs(120) {
        match ingress.http.post(&url, body.to_string().as_bytes(), &[("idempotency-key", key)]).await {
            Ok((200, bytes)) => {
                return serde_json::from_slice(&bytes).map_err(|e| format!("{path}: answer is not a reply: {e}"))
            }
            Ok((status, bytes)) => last = format!("{status} {}", String::from_utf8_lossy(&bytes)),
            Err(e) => last = e,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{path}: no answer in 120 s (last: {last})"))
}

/// Tells the story through the ingress, one step after the other. `pace`:
/// each step waits until the wall clock reaches its `at` (kill tests).
pub async fn tell(ingress: &Ingress, story: &Story, pace: bool) -> Result<Vec<Option<Refusal>>, String> {
    let mut tokens = Tokens::default();
    let mut refusals = Vec::new();
    for (i, step) in story.steps.iter().enumerate() {
        if pace {
            let wait = step.at.saturating_sub(chatlife_restate::app::wall_ms());
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
        let mut fields = step.command(&tokens);
        let targets = endpoints(&fields, story);
        fields.insert("at".into(), json!(step.at));
        let body = Value::Object(fields);
        let mut refusal = None;
        for (j, path) in targets.iter().enumerate() {
            let reply = call(ingress, path, &body, &format!("{}-{i}-{j}", story.name)).await?;
            for n in &reply.events {
                tokens.learn(&n.event);
            }
            refusal = refusal.or(reply.error);
        }
        refusals.push(refusal);
    }
    Ok(refusals)
}

/// The canonical form (docs/decisions.md): per conversation, its events in
/// order with each link token replaced by its ordinal; per agent, its
/// `capacity_changed` lines in time order; the lines that name no
/// conversation (`no_reconnect_offer`, and R-RC10's answer to a forged token).
#[derive(Debug, Default, PartialEq)]
pub struct Canonical {
    pub conversations: BTreeMap<String, Vec<String>>,
    pub agents: BTreeMap<String, Vec<String>>,
    pub no_offers: Vec<String>,
    tokens: BTreeMap<String, usize>,
}

impl Canonical {
    fn add(&mut self, event: &Value) {
        let mut line = event.to_string();
        match (event["type"].as_str(), event.get("conversation").and_then(Value::as_str)) {
            (Some("capacity_changed"), _) => {
                let agent = event["agent"].as_str().unwrap_or_default().to_owned();
                self.agents.entry(agent).or_default().push(line);
            }
            (_, Some(c)) => {
                if event["type"] == "reconnect_link_issued" {
                    let n = self.tokens.entry(c.to_owned()).or_default();
                    line = line.replace(event["token"].as_str().unwrap_or_default(), &format!("<link {n}>"));
                    *n += 1;
                }
                self.conversations.entry(c.to_owned()).or_default().push(line);
            }
            _ => self.no_offers.push(line),
        }
    }

    /// From events in the order one engine emitted them.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Value>) -> Canonical {
        let mut canonical = Canonical::default();
        for event in events {
            canonical.add(event);
        }
        canonical
    }

    /// From the sink's deduped streams: conversations in `seq` order; agents'
    /// and identities' lines across streams in time order (a story keeps
    /// each chat's times in its own millisecond, so no two streams tie).
    pub fn from_streams<'a>(events: impl IntoIterator<Item = &'a Numbered>) -> Canonical {
        let mut canonical = Canonical::default();
        let mut across: Vec<(u64, &'a Numbered)> = Vec::new();
        for n in events {
            let kind = n.event["type"].as_str();
            let named = !n.event["conversation"].is_null();
            if kind == Some("capacity_changed") || n.source != "conversation" || !named {
                across.push((n.event["at"].as_u64().unwrap_or_default(), n));
            } else {
                canonical.add(&n.event);
            }
        }
        across.sort_by(|a, b| (a.0, &a.1.source, &a.1.key, a.1.seq).cmp(&(b.0, &b.1.source, &b.1.key, b.1.seq)));
        for (_, n) in across {
            canonical.add(&n.event);
        }
        canonical
    }

    /// The first difference, told for people; `None` when equal.
    pub fn difference(&self, other: &Canonical) -> Option<String> {
        let lanes =
            [("conversation", &self.conversations, &other.conversations), ("agent", &self.agents, &other.agents)];
        for (what, mine, theirs) in lanes {
            let keys: std::collections::BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
            for key in keys {
                let (a, b) = (mine.get(key).cloned().unwrap_or_default(), theirs.get(key).cloned().unwrap_or_default());
                if a != b {
                    return Some(format!("{what} {key:?}:\n  one engine:\n{}\n  restate:\n{}", lines(&a), lines(&b)));
                }
            }
        }
        if self.no_offers != other.no_offers {
            return Some(format!(
                "events naming no conversation:\n  one engine:\n{}\n  restate:\n{}",
                lines(&self.no_offers),
                lines(&other.no_offers)
            ));
        }
        None
    }

    pub fn events(&self) -> usize {
        self.conversations.values().chain(self.agents.values()).map(Vec::len).sum::<usize>() + self.no_offers.len()
    }
}

fn lines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// The story as a scenario file with the reference's tokens, for `chatlife run`.
pub fn scenario(config: &Value, story: &Story) -> Value {
    let mut engine = Engine::new(Config::from_value(config.clone()).expect("valid")).expect("valid");
    let mut tokens = Tokens::default();
    let mut steps = Vec::new();
    for step in &story.steps {
        let mut fields = step.command(&tokens);
        fields.insert("at".into(), json!(step.at));
        if let Ok(c) = TimedCommand::from_value(Value::Object(fields.clone())) {
            let _ = engine.apply(c.at, &c.command);
        }
        while let Some(event) = engine.poll_event() {
            tokens.learn(&serde_json::from_str(&event.to_json()).expect("JSON"));
        }
        steps.push(Value::Object(fields));
    }
    json!({"name": story.name, "config": config, "steps": steps})
}
