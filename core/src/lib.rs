//! chatlife: a deterministic, sans-IO lifecycle engine for contact-center live
//! chats. Time-stamped commands go in; canonical events come out. See
//! [`engine`] for the call order and `docs/rules.md` for the rules.

pub mod capacity;
pub mod command;
pub mod conversation;
pub mod engine;
pub mod error;
pub mod events;
pub mod policy;
pub mod reconnect;
pub mod scenario;
pub mod snapshot;
pub mod table;
pub mod time;
pub mod wheel;

pub use command::{Command, TimedCommand};
pub use conversation::{Id, Role, State, WaitFor};
pub use engine::{Engine, StartOptions};
pub use error::Error;
pub use events::{Event, EventKind};
pub use policy::{Config, TimerSettings};
pub use time::Millis;

/// The crate version, for bindings to report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
