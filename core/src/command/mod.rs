//! Commands of docs/rules.md §9 as data: the one form every caller hands the
//! engine. The CLI reads them from scenario files, the bindings build them from
//! their hosts' values, and all of them reach [`crate::Engine::apply`]. Strings
//! are [`Text`]s, borrowed from the caller where they can be, so building a
//! command copies nothing; [`Command::into_owned`] keeps one.
//!
//! The JSON form is `{"op": "<name>", ...fields}`; with `"at"` it is a
//! [`TimedCommand`] (`parse`). A new command is one entry in the table below
//! and one arm in `Engine::apply`.

mod fields;
mod parse;

use crate::config::TimerSettings;
use crate::error::Error;
use crate::text::{SecretText, Text};
use crate::time::Millis;
use crate::vocab::{Role, WaitFor};

pub use parse::parse_at;

use fields::{Fields, Own};

/// Declares [`Command`] from one table. Each field is `req` (must be there),
/// `opt` (absent or null is `None`) or `nul` (must be there, null is `None`).
macro_rules! commands {
    (@ty req $ty:ty) => { $ty };
    (@ty opt $ty:ty) => { Option<$ty> };
    (@ty nul $ty:ty) => { Option<$ty> };
    (@take req $slot:expr, $key:expr) => { std::mem::take(&mut $slot).required($key)? };
    (@take opt $slot:expr, $key:expr) => { std::mem::take(&mut $slot).optional() };
    (@take nul $slot:expr, $key:expr) => { std::mem::take(&mut $slot).nullable($key)? };
    ($(
        $(#[$vmeta:meta])*
        $variant:ident = $op:literal { $( $kind:ident $field:ident : $ty:ty ),* $(,)? }
    )*) => {
        /// One command of docs/rules.md §9, without its time.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Command<'a> {
            $( $(#[$vmeta])* $variant { $( $field: commands!(@ty $kind $ty) ),* }, )*
        }

        /// Every `op` name, in docs/rules.md §9 order, then what later versions added.
        pub const OPS: &[&str] = &[$($op),*];

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
                        const TAKES: &[&str] = &[$( fields::key(stringify!($field)) ),*];
                        fields.only($op, const { fields::mask(TAKES) }, TAKES)?;
                        Ok(Command::$variant { $( $field: commands!(@take $kind fields.$field, fields::key(stringify!($field))) ),* })
                    } )*
                    other => Err(Error::InvalidArgument(format!(
                        "op: {other:?} is not a command; expected one of {}", OPS.join(", ")
                    ))),
                }
            }
        }
    };
}

commands! {
    StartConversation = "start_conversation" {
        req conversation: Text<'a>,
        req customer: Text<'a>,
        opt policy: Text<'a>,
        opt authenticated_as: Text<'a>,
        opt display_name: Text<'a>,
    }
    Join = "join" {
        req conversation: Text<'a>,
        req participant: Text<'a>,
        req role: Role,
        opt display_name: Text<'a>,
    }
    Leave = "leave" { req conversation: Text<'a>, req participant: Text<'a> }
    Message = "message" { req conversation: Text<'a>, req participant: Text<'a> }
    ConnectionLost = "connection_lost" { req conversation: Text<'a>, req participant: Text<'a> }
    ConnectionRestored = "connection_restored" { req conversation: Text<'a>, req participant: Text<'a> }
    End = "end" { req conversation: Text<'a>, req participant: Text<'a> }
    CloseSession = "close_session" { req conversation: Text<'a>, req participant: Text<'a> }
    IssueReconnectLink = "issue_reconnect_link" { req conversation: Text<'a> }
    /// By link (`token`) or by prompt (`conversation` + `authenticated_as`).
    Reconnect = "reconnect" {
        opt token: SecretText<'a>,
        opt conversation: Text<'a>,
        opt authenticated_as: Text<'a>,
    }
    ReturningCustomer = "returning_customer" { req authenticated_as: Text<'a> }
    DeclineReconnect = "decline_reconnect" { req conversation: Text<'a>, req authenticated_as: Text<'a> }
    SetParticipantTimers = "set_participant_timers" { req conversation: Text<'a>, req timers: TimerSettings }
    UpdateParticipantRoleConfig = "update_participant_role_config" {
        req conversation: Text<'a>,
        req request: serde_json::Value,
    }
    /// JSON names `wait_for` `for`.
    SetWait = "set_wait" { req conversation: Text<'a>, req wait_for: WaitFor }
    SetAgentCapacity = "set_agent_capacity" { req agent: Text<'a>, nul capacity: u32 }
    Advance = "advance" {}
    // v2 (§14). Ops are numbered by position in the bindings: append only.
    Hold = "hold" { req conversation: Text<'a>, req participant: Text<'a> }
    Resume = "resume" { req conversation: Text<'a>, req participant: Text<'a> }
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

/// The field names of the commands whose arguments are all strings, by a
/// fixed position: bindings that read hot commands straight from their host's
/// objects (Python's `apply_many`) index by these.
pub mod plain_fields {
    pub const KEYS: [&str; 9] =
        ["at", "op", "conversation", "participant", "customer", "role", "display_name", "policy", "authenticated_as"];
    pub const AT: usize = 0;
    pub const OP: usize = 1;
    pub const CONVERSATION: usize = 2;
    pub const PARTICIPANT: usize = 3;
    pub const CUSTOMER: usize = 4;
    pub const ROLE: usize = 5;
    pub const DISPLAY_NAME: usize = 6;
    pub const POLICY: usize = 7;
    pub const AUTHENTICATED_AS: usize = 8;
}
