//! The Restate services. Calls go one way only — `Chatlife` → `Identity` →
//! `Agent` → `Conversation.commit` — so no two objects ever wait on each
//! other: an agent's object holds its lock while it steps its chats, and a
//! chat's `commit` calls nobody.

pub mod agent;
pub mod conversation;
pub mod identity;
pub mod route;
pub mod router;

pub use agent::{Agent, AgentClient};
pub use conversation::{Conversation, ConversationClient};
pub use identity::{Identity, IdentityClient};
pub use router::Chatlife;

use restate_sdk::prelude::*;

use crate::sink::Sink;
use crate::wire::{Numbered, Refusal, Reply};

/// A refused command's answer.
pub(crate) fn refusal(error: impl Into<Refusal>) -> HandlerResult<Json<Reply>> {
    Ok(Json(Reply { events: Vec::new(), error: Some(error.into()) }))
}

/// Posts events to the sink from a journaled `ctx.run` (at least once).
pub(crate) async fn deliver(ctx: &ObjectContext<'_>, sink: &Sink, events: Vec<Numbered>) -> Result<(), TerminalError> {
    if !sink.enabled() || events.is_empty() {
        return Ok(());
    }
    let sink = sink.clone();
    ctx.run(move || async move { sink.post(&events).await.map_err(HandlerError::from) }).name("deliver").await
}
