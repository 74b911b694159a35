//! Sending one conversation's step to the object whose lock it needs.

use restate_sdk::prelude::*;
use serde_json::json;

use super::{AgentClient, ConversationClient};
use crate::wire::{AgentStep, AgentStepped, Commit, Now};

/// Reroutes a step at most this often: each one means another command changed
/// the chat's agent between the routing and the step.
const MAX_HOPS: usize = 8;

/// Steps `conversation`, first through `via` (the agent whose units it holds
/// or whose join it is, as last known), then wherever its answer says.
pub async fn route<'ctx>(
    ctx: &impl ContextClient<'ctx>,
    conversation: &str,
    mut via: Option<String>,
    until: u64,
    commit: Commit,
) -> Result<AgentStepped, TerminalError> {
    let mut events = Vec::new();
    for _ in 0..MAX_HOPS {
        let stepped = step_once(ctx, conversation, via.as_deref(), until, commit.clone()).await?;
        events.extend(stepped.events);
        let Some(reroute) = stepped.committed.reroute.clone() else {
            return Ok(AgentStepped { committed: stepped.committed, events });
        };
        if reroute.advance_first {
            let advance = Commit {
                command: json!({"op": "advance"}),
                now: Now::Due(until),
                ledger: None,
                tick: false,
                offer: false,
            };
            let advanced = step_once(ctx, conversation, reroute.agent.as_deref(), until, advance).await?;
            events.extend(advanced.events);
        }
        via = reroute.agent;
    }
    Err(TerminalError::new(format!("conversation {conversation:?}: its agent kept changing while routing a command")))
}

async fn step_once<'ctx>(
    ctx: &impl ContextClient<'ctx>,
    conversation: &str,
    via: Option<&str>,
    until: u64,
    commit: Commit,
) -> Result<AgentStepped, TerminalError> {
    match via {
        Some(agent) => {
            let step = AgentStep { conversation: conversation.to_owned(), until, commit };
            Ok(ctx.object_client::<AgentClient>(agent).step(Json(step)).call().await?.into_inner())
        }
        None => {
            let committed =
                ctx.object_client::<ConversationClient>(conversation).commit(Json(commit)).call().await?.into_inner();
            Ok(AgentStepped { events: committed.reply.events.clone(), committed })
        }
    }
}
