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
