//! chatlife: a deterministic, sans-IO lifecycle engine for contact-center live
//! chats. Time-stamped commands go in; canonical events come out. See
//! [`Engine`] for the call order and docs/rules.md for the rules.
//!
//! The public API is what this file exports: the engine, its commands and
//! events, configuration, errors, time and the scenario format. Everything
//! else — the timer wheel, the conversation table, the records and the rule
//! modules of `engine` — is internal and free to change.

mod agents;
mod command;
mod config;
mod conversation;
mod dense;
mod engine;
mod error;
mod events;
mod id;
pub mod scenario;
mod snapshot;
mod table;
mod text;
mod time;
mod token;
mod vocab;
mod wheel;

pub use command::{
    json_key, parse_at, Command, CommandSpec, FieldSpec, HostFields, Need, Plain, TimedCommand, COMMANDS, COMMAND_KEYS,
    OPS,
};
pub use config::{Config, TimerMinutes, TimerSettings, TIMER_MAX_MINUTES, TIMER_MIN_MINUTES};
pub use engine::{Engine, StartOptions, PREFETCH_WINDOW};
pub use error::{Error, ERROR_CODES, LONE_SURROGATE};
pub use events::{Event, EventKind, ReconnectMethod, RefusedReason, Secret, VisibleTo, EVENT_TYPES};
pub use id::{Id, MAX_ID_BYTES};
pub use snapshot::SCHEMA_VERSION;
pub use text::{SecretText, Text};
pub use time::{format_clock, format_duration, now_from_number, parse_duration, Millis, MAX_TIME};
pub use token::{decode_token, encode_token, SECRET_BYTES};
pub use vocab::{HoldReason, LeftReason, Reason, Role, State, WaitFor, Warned};

/// The crate version, for bindings to report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Bytes of one conversation record, for memory benchmarks.
pub const CONVERSATION_RECORD_BYTES: usize = std::mem::size_of::<conversation::Conversation>();
