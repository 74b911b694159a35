//! The `Conversation` object, keyed by conversation id. Its state is the
//! conversation's exported bytes (`conversation`), its bookkeeping (`meta`)
//! and its timed command log (`log`).

use std::time::Duration;

use chatlife::{Command, Engine, EventKind};
use restate_sdk::prelude::*;
use serde_json::{json, Value};

use super::route::route;
use super::{deliver, refusal, IdentityClient};
use crate::app::{wall_ms, Shared};
use crate::step::{self, Outcome};
use crate::wire::{Commit, Committed, Meta, Now, Reply, Started};

pub struct Conversation(pub Shared);

/// The agent whose lock a step of this chat needs, as far as its state says:
/// set while the chat holds the agent's units or has parked them (H1).
fn holding(meta: &Meta) -> Option<String> {
    meta.agent.clone()
}

#[restate_sdk::object(invocation_retry_policy(
    initial_interval = "50ms",
    factor = 2.0,
    max_interval = "1s",
    max_attempts = 100000,
    on_max_attempts = "pause"
))]
impl Conversation {
    /// One command in the scenario step form (`op` and its fields; `at` in ms
    /// or a duration, else Restate's durable clock). Answers the events it
    /// produced, numbered, or the error with its SPEC code.
    #[handler]
    async fn apply(&self, ctx: SharedObjectContext<'_>, body: Vec<u8>) -> HandlerResult<Json<Reply>> {
        let key = ctx.key().to_owned();
        let parsed = match step::parse(&body) {
            Ok(parsed) => parsed,
            Err(error) => return refusal(error),
        };
        if let Err(error) = step::check_target(&key, &parsed.command, false) {
            return refusal(error);
        }
        let wall: u64 = ctx.run(|| async { Ok(wall_ms()) }).name("clock").await?;
        let (now, until) = match parsed.at {
            Some(at) => (Now::At(at), at),
            None => (Now::AtLeast(wall), wall),
        };
        let meta = ctx.get::<Json<Meta>>("meta").await?.map(Json::into_inner).unwrap_or_default();
        let via = holding(&meta).or_else(|| step::joining_agent(&parsed.command).map(str::to_owned));
        let commit = Commit { command: parsed.fields.clone(), now, ledger: None, tick: false, offer: false };
        let stepped = route(&ctx, &key, via, until, commit).await?;
        let error = stepped.committed.reply.error;
        if error.is_none() {
            if let Command::StartConversation { authenticated_as: Some(identity), .. } = &parsed.command {
                let started = Started { conversation: key.clone() };
                ctx.object_client::<IdentityClient>(identity.as_str()).register(Json(started)).call().await?;
            }
        }
        Ok(Json(Reply { events: stepped.events, error }))
    }

    /// The durable delayed call each change schedules at the next deadline;
    /// fires what is due then, and nothing if nothing is.
    #[handler(ingress_private)]
    async fn tick(&self, ctx: SharedObjectContext<'_>, deadline: u64) -> HandlerResult<()> {
        let key = ctx.key().to_owned();
        let meta = ctx.get::<Json<Meta>>("meta").await?.map(Json::into_inner).unwrap_or_default();
        let commit = Commit {
            command: json!({"op": "advance"}),
            now: Now::Due(deadline),
            ledger: None,
            tick: true,
            offer: false,
        };
        route(&ctx, &key, holding(&meta), deadline, commit).await?;
        Ok(())
    }

    /// Applies one routed step under this chat's lock (and its agent's, when
    /// `ledger` says so), stores it, delivers its events, schedules its tick.
    #[handler(ingress_private)]
    async fn commit(&self, ctx: ObjectContext<'_>, commit: Json<Commit>) -> HandlerResult<Json<Committed>> {
        let key = ctx.key().to_owned();
        let stored: Option<Vec<u8>> = ctx.get("conversation").await?;
        let meta = ctx.get::<Json<Meta>>("meta").await?.map(Json::into_inner).unwrap_or_default();
        let (app, k, m, c) = (self.0.clone(), key.clone(), meta.clone(), commit.into_inner());
        // Journaled: a retry replays the step instead of drawing new tokens.
        let outcome: Outcome = ctx
            .run(move || async move { Ok(Json(step::run(&app.config, &k, stored.as_deref(), &m, &c, wall_ms()))) })
            .name("step")
            .await?
            .into_inner();
        if let Some(store) = &outcome.store {
            match &store.conversation {
                Some(bytes) => ctx.set("conversation", bytes.clone()),
                None => ctx.clear("conversation"),
            }
            let mut meta = store.meta.clone();
            meta.tick_at = outcome.tick_at;
            ctx.set("meta", Json(meta));
            if let Some(entry) = &store.log {
                let mut log = ctx.get::<Json<Vec<Value>>>("log").await?.map(Json::into_inner).unwrap_or_default();
                log.push(entry.clone());
                ctx.set("log", Json(log));
            }
        } else if outcome.tick_at != meta.tick_at {
            let mut meta = meta;
            meta.tick_at = outcome.tick_at;
            ctx.set("meta", Json(meta));
        }
        let events = outcome.committed.reply.events.clone();
        deliver(&ctx, &self.0.sink, events).await?;
        if let Some((deadline, delay)) = outcome.schedule {
            ctx.object_client::<ConversationClient>(key.as_str())
                .tick(deadline)
                .send_after(Duration::from_millis(delay));
        }
        Ok(Json(outcome.committed))
    }

    /// The chat's bookkeeping: clock, events numbered, the agent it holds.
    #[handler]
    async fn peek(&self, ctx: SharedObjectContext<'_>) -> HandlerResult<Json<Meta>> {
        Ok(Json(ctx.get::<Json<Meta>>("meta").await?.map(Json::into_inner).unwrap_or_default()))
    }

    /// The chat's timed command log as a scenario file any single engine
    /// replays. Links are named by ordinal in the log; here each becomes the
    /// token the replaying engine issues for it (the configuration gets a
    /// seed when it has none, so the file replays the same every time).
    #[handler]
    async fn history(&self, ctx: SharedObjectContext<'_>) -> HandlerResult<Json<Value>> {
        let key = ctx.key().to_owned();
        let log = ctx.get::<Json<Vec<Value>>>("log").await?.map(Json::into_inner).unwrap_or_default();
        Ok(Json(history(&self.0, &key, log)))
    }
}

/// Renders the log (see [`Conversation::history`]).
fn history(app: &crate::app::App, key: &str, log: Vec<Value>) -> Value {
    let mut config = app.config_json.clone();
    if config.get("seed").is_none() {
        config["seed"] = json!(0);
    }
    let mut steps = Vec::with_capacity(log.len());
    let mut issued: Vec<String> = Vec::new();
    let mut engine = chatlife::Config::from_value(config.clone()).ok().and_then(|c| Engine::new(c).ok());
    for mut entry in log {
        if let Some(link) = entry.get("token").and_then(|t| t.get("link")).cloned() {
            let token =
                link.as_u64().and_then(|n| issued.get(n as usize).cloned()).unwrap_or_else(|| unknown_link(key));
            entry["token"] = Value::String(token);
        }
        if let (Some(engine), Ok(step)) = (engine.as_mut(), chatlife::TimedCommand::from_value(entry.clone())) {
            let _ = engine.apply(step.at, &step.command);
            while let Some(event) = engine.poll_event() {
                if let EventKind::ReconnectLinkIssued { token, .. } = &event.kind {
                    issued.push(token.expose().to_owned());
                }
            }
        }
        steps.push(entry);
    }
    json!({"name": format!("history of conversation {key}"), "config": config, "steps": steps})
}

/// A token no engine issued: stands for one the chat never issued. Every
/// forged token gets the same answer (R-RC10), so any will do.
fn unknown_link(_key: &str) -> String {
    "crl1_not-issued".to_owned()
}
