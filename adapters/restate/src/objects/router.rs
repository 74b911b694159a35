//! `Chatlife`, a stateless service taking any command in the scenario step
//! form and sending it to its object: a conversation's (a link's token names
//! it, R-RC7), an agent's or an identity's.

use chatlife::{Command, Engine};
use restate_sdk::prelude::*;

use super::{refusal, AgentClient, ConversationClient, IdentityClient};
use crate::app::Shared;
use crate::step;
use crate::wire::Reply;

pub struct Chatlife(pub Shared);

/// The key of the object that answers links whose token names no
/// conversation. DEL is a control character, which no conversation id holds.
pub const FORGED_TOKENS: &str = "\u{7f}forged-tokens";

#[restate_sdk::service]
impl Chatlife {
    /// Any command of SPEC §9 but `advance`, which names no conversation here:
    /// send it to `Conversation/<id>/apply`.
    #[handler]
    async fn apply(&self, ctx: Context<'_>, body: Vec<u8>) -> HandlerResult<Json<Reply>> {
        let parsed = match step::parse(&body) {
            Ok(parsed) => parsed,
            Err(error) => return refusal(error),
        };
        let reply = match &parsed.command {
            Command::SetAgentCapacity { agent, .. } => {
                ctx.object_client::<AgentClient>(agent.as_str()).apply(body).call().await?
            }
            Command::ReturningCustomer { authenticated_as } => {
                ctx.object_client::<IdentityClient>(authenticated_as.as_str()).apply(body).call().await?
            }
            Command::Advance {} => {
                let message = "op: advance names no conversation here; send it to Conversation/<id>/apply";
                return refusal(chatlife::Error::InvalidArgument(message.into()));
            }
            command => match step::target(command) {
                Some(conversation) => {
                    ctx.object_client::<ConversationClient>(conversation.as_str()).apply(body).call().await?
                }
                // A link whose token names no conversation is answered like any
                // forged one (R-RC10), by an object that holds none.
                None if matches!(command, Command::Reconnect { token: Some(_), .. }) => {
                    ctx.object_client::<ConversationClient>(FORGED_TOKENS).apply(body).call().await?
                }
                // Anything else that names no conversation: the engine's own refusal.
                None => {
                    let refused = Engine::new(self.0.config.clone())
                        .and_then(|mut e| e.apply(parsed.at.unwrap_or(0), command))
                        .err()
                        .unwrap_or_else(|| chatlife::Error::InvalidArgument("command: names no conversation".into()));
                    return refusal(refused);
                }
            },
        };
        Ok(reply)
    }
}
