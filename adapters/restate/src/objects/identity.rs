//! The `Identity` object, keyed by a signed-in customer's identity: its
//! conversations, oldest first (R-RC2), for `returning_customer`.

use chatlife::{Command, Engine, Event, EventKind};
use restate_sdk::prelude::*;
use serde::{Deserialize, Serialize};

use super::route::route;
use super::{deliver, refusal};
use crate::app::{wall_ms, Shared};
use crate::step;
use crate::wire::{Commit, Now, Numbered, Offer, Reply, Started};

pub struct Identity(pub Shared);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityState {
    pub conversations: Vec<String>,
    pub clock: u64,
    /// Events numbered so far in this identity's stream.
    pub seq: u64,
}

async fn load(ctx: &ObjectContext<'_>) -> Result<IdentityState, TerminalError> {
    Ok(ctx.get::<Json<IdentityState>>("identity").await?.map(Json::into_inner).unwrap_or_default())
}

#[restate_sdk::object(invocation_retry_policy(
    initial_interval = "50ms",
    factor = 2.0,
    max_interval = "1s",
    max_attempts = 100000,
    on_max_attempts = "pause"
))]
impl Identity {
    /// A conversation of this identity started; it goes last (a forgotten one
    /// of the same id is replaced).
    #[handler(ingress_private)]
    async fn register(&self, ctx: ObjectContext<'_>, started: Json<Started>) -> HandlerResult<()> {
        let mut state = load(&ctx).await?;
        let conversation = started.into_inner().conversation;
        state.conversations.retain(|c| *c != conversation);
        state.conversations.push(conversation);
        ctx.set("identity", Json(state));
        Ok(())
    }

    /// `returning_customer` for this identity, in the scenario step form: each
    /// of its conversations offers itself or not; with no offer, one
    /// `no_reconnect_offer` in this identity's stream.
    #[handler]
    async fn apply(&self, ctx: ObjectContext<'_>, body: Vec<u8>) -> HandlerResult<Json<Reply>> {
        let key = ctx.key().to_owned();
        let parsed = match step::parse(&body) {
            Ok(parsed) => parsed,
            Err(error) => return refusal(error),
        };
        let Command::ReturningCustomer { authenticated_as } = &parsed.command else {
            return refusal(chatlife::Error::InvalidArgument(format!(
                "op: {:?} is not an identity's command; the Identity object takes returning_customer",
                parsed.command.op()
            )));
        };
        if *authenticated_as != key {
            let message = format!("authenticated_as: {authenticated_as:?} is not this object's key {key:?}");
            return refusal(chatlife::Error::InvalidArgument(message));
        }
        let wall: u64 = ctx.run(|| async { Ok(wall_ms()) }).name("clock").await?;
        let mut state = load(&ctx).await?;
        let now = parsed.at.unwrap_or(wall.max(state.clock));
        // The core checks the identity and the time.
        let checked = Engine::new(self.0.config.clone())
            .and_then(|mut e| e.advance(state.clock).and_then(|()| e.returning_customer(now, &key)));
        if let Err(error) = checked {
            return refusal(error);
        }
        let mut events = Vec::new();
        let (mut offered, mut redirect_url) = (false, None);
        for conversation in state.conversations.clone() {
            let commit = Commit {
                command: parsed.fields.clone(),
                now: Now::AtLeast(now),
                ledger: None,
                tick: false,
                offer: true,
            };
            let stepped = route(&ctx, &conversation, None, now, commit).await?;
            events.extend(stepped.events);
            match stepped.committed.offer {
                Some(Offer::Offered) => offered = true,
                Some(Offer::NotOffered(url)) => redirect_url = url.or(redirect_url),
                Some(Offer::Gone) => state.conversations.retain(|c| *c != conversation),
                None => {}
            }
        }
        state.clock = now;
        if !offered {
            let event = Event {
                at: now,
                conversation: None,
                kind: EventKind::NoReconnectOffer { redirect_url: redirect_url.map(Into::into) },
            };
            state.seq += 1;
            let event = serde_json::from_str(&event.to_json()).expect("events are JSON");
            let numbered = Numbered { source: "identity".into(), key: key.clone(), seq: state.seq, event };
            deliver(&ctx, &self.0.sink, vec![numbered.clone()]).await?;
            events.push(numbered);
        }
        ctx.set("identity", Json(state));
        Ok(Json(Reply { events, error: None }))
    }
}
