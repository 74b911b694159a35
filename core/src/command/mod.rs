//! Commands of docs/rules.md §9 as data: the one form every caller hands the
//! engine. The CLI reads them from scenario files, the bindings build them from
//! their hosts' values, and all of them reach [`crate::Engine::apply`]. Strings
//! are [`Text`]s, borrowed from the caller where they can be, so building a
//! command copies nothing; [`Command::into_owned`] keeps one.
//!
//! The JSON form is `{"op": "<name>", ...fields}`; with `"at"` it is a
//! [`TimedCommand`] (`parse`). A new command is one entry in `table.rs` and
//! one arm in `Engine::apply`.

mod at;
mod fields;
mod host;
mod parse;
mod table;

use crate::config::TimerSettings;
use crate::error::Error;
use crate::text::{SecretText, Text};
use crate::time::Millis;
use crate::vocab::{Role, WaitFor};

pub use at::parse_at;
pub use fields::json_key;
pub use host::{HostFields, Plain, COMMAND_KEYS};

use fields::{Fields, Own};

/// Declares [`Command`] from the table (`table.rs`).
macro_rules! commands {
    (@ty text) => { Text<'a> };
    (@ty secret) => { SecretText<'a> };
    (@ty role) => { Role };
    (@ty wait_for) => { WaitFor };
    (@ty timers) => { TimerSettings };
    (@ty json) => { serde_json::Value };
    (@ty count) => { u32 };
    (@ty req $kind:ident) => { commands!(@ty $kind) };
    (@ty opt $kind:ident) => { Option<commands!(@ty $kind)> };
    (@ty nul $kind:ident) => { Option<commands!(@ty $kind)> };
    (@need req) => { Need::Required };
    (@need opt) => { Need::Optional };
    (@need nul) => { Need::Nullable };
    (@take req $slot:expr, $key:expr) => { std::mem::take(&mut $slot).required($key)? };
    (@take opt $slot:expr, $key:expr) => { std::mem::take(&mut $slot).optional() };
    (@take nul $slot:expr, $key:expr) => { std::mem::take(&mut $slot).nullable($key)? };
    ($(
        #[doc = $doc:literal]
        $variant:ident = $op:literal { $( $need:ident $field:ident : $kind:ident ),* $(,)? }
    )*) => {
        /// One command of docs/rules.md §9, without its time.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Command<'a> {
            $( #[doc = $doc] $variant { $( $field: commands!(@ty $need $kind) ),* }, )*
        }

        /// Every `op` name, in the table's order (docs/rules.md §9, then what later versions added).
        pub const OPS: &[&str] = &[$($op),*];

        /// The table as data, for what is generated from it or checked
        /// against it outside Rust (type stubs, the C header's numbers).
        pub const COMMANDS: &[CommandSpec] = &[$(
            CommandSpec {
                op: $op,
                doc: $doc,
                fields: &[$( FieldSpec {
                    name: stringify!($field),
                    key: json_key(stringify!($field)),
                    need: commands!(@need $need),
                    kind: stringify!($kind),
                } ),*],
            }
        ),*];

        impl<'a> Command<'a> {
            /// The `op` name.
            pub fn op(&self) -> &'static str {
                match self { $( Command::$variant { .. } => $op, )* }
            }

            /// The same command, no longer borrowing.
            pub fn into_owned(self) -> Command<'static> {
                match self {
                    $( Command::$variant { $( $field ),* } => Command::$variant { $( $field: $field.own() ),* }, )*
                }
            }

            /// The command `op` names, from the fields read for it (taken in
            /// place: a 360-byte `Fields` moved per command showed in batches).
            fn from_fields(op: &str, fields: &mut Fields<'a>) -> Result<Command<'a>, Error> {
                match op {
                    $( $op => {
                        const TAKES: &[&str] = &[$( json_key(stringify!($field)) ),*];
                        fields.only($op, const { fields::mask(TAKES) }, TAKES)?;
                        Ok(Command::$variant { $( $field: commands!(@take $need fields.$field, json_key(stringify!($field))) ),* })
                    } )*
                    other => Err(Error::InvalidArgument(format!(
                        "op: {other:?} is not a command; expected one of {}", OPS.join(", ")
                    ))),
                }
            }
        }
    };
}

crate::command_table!(commands);

/// One entry of the command table (`table.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub op: &'static str,
    pub doc: &'static str,
    /// In the table's order, which is also the order of a method's arguments.
    pub fields: &'static [FieldSpec],
}

/// One field of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    /// The JSON key ([`json_key`]).
    pub key: &'static str,
    pub need: Need,
    /// `text`, `secret`, `role`, `wait_for`, `timers`, `json` or `count` (`table.rs`).
    pub kind: &'static str,
}

/// Whether a field must be given, and whether null is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Given, not null.
    Required,
    /// Absent or null is none.
    Optional,
    /// Given; null is none.
    Nullable,
}

impl Command<'_> {
    /// The conversation the command names, if any.
    pub fn conversation(&self) -> Option<&str> {
        match self {
            Command::StartConversation { conversation, .. }
            | Command::Join { conversation, .. }
            | Command::Leave { conversation, .. }
            | Command::Message { conversation, .. }
            | Command::ConnectionLost { conversation, .. }
            | Command::ConnectionRestored { conversation, .. }
            | Command::End { conversation, .. }
            | Command::CloseSession { conversation, .. }
            | Command::IssueReconnectLink { conversation }
            | Command::DeclineReconnect { conversation, .. }
            | Command::SetParticipantTimers { conversation, .. }
            | Command::UpdateParticipantRoleConfig { conversation, .. }
            | Command::SetWait { conversation, .. }
            | Command::Hold { conversation, .. }
            | Command::Resume { conversation, .. } => Some(conversation),
            Command::Reconnect { conversation, .. } => conversation.as_deref(),
            Command::ReturningCustomer { .. } | Command::SetAgentCapacity { .. } | Command::Advance {} => None,
        }
    }
}

/// A command with its `now`, the unit of batches and scenario steps.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedCommand<'a> {
    pub at: Millis,
    pub command: Command<'a>,
}

impl TimedCommand<'_> {
    /// The same command, no longer borrowing.
    pub fn into_owned(self) -> TimedCommand<'static> {
        TimedCommand { at: self.at, command: self.command.into_owned() }
    }
}
