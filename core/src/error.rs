//! One error type for every rejected command or configuration, with the stable
//! codes of SPEC E1. The code is the contract between languages (E2: the same
//! codes, with the same names, are the C status enum, one Python exception
//! class per code and the `.code` of a Node `Error`, all numbered from
//! [`ERROR_CODES`]); the message is for people and always starts with the
//! offending field (`field: problem`).

/// Why the engine refused something. A refused command changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    InvalidConfig(String),
    #[error("{0}")]
    UnknownConversation(String),
    #[error("{0}")]
    DuplicateConversation(String),
    #[error("{0}")]
    UnknownParticipant(String),
    #[error("{0}")]
    DuplicateParticipant(String),
    #[error("{0}")]
    InvalidState(String),
    #[error("{0}")]
    CapacityExceeded(String),
    #[error("{0}")]
    TimeWentBackwards(String),
    #[error("{0}")]
    LimitExceeded(String),
}

/// Every code, in the order of SPEC E1. Bindings number their status values
/// from this list, so append only.
pub const ERROR_CODES: [&str; 10] = [
    "invalid_argument",
    "invalid_config",
    "unknown_conversation",
    "duplicate_conversation",
    "unknown_participant",
    "duplicate_participant",
    "invalid_state",
    "capacity_exceeded",
    "time_went_backwards",
    "limit_exceeded",
];

impl Error {
    /// The stable snake_case code of SPEC E1.
    pub fn code(&self) -> &'static str {
        ERROR_CODES[self.code_index()]
    }

    /// Position of [`Error::code`] in [`ERROR_CODES`].
    pub fn code_index(&self) -> usize {
        match self {
            Error::InvalidArgument(_) => 0,
            Error::InvalidConfig(_) => 1,
            Error::UnknownConversation(_) => 2,
            Error::DuplicateConversation(_) => 3,
            Error::UnknownParticipant(_) => 4,
            Error::DuplicateParticipant(_) => 5,
            Error::InvalidState(_) => 6,
            Error::CapacityExceeded(_) => 7,
            Error::TimeWentBackwards(_) => 8,
            Error::LimitExceeded(_) => 9,
        }
    }

    /// The human message, which names the offending field first.
    pub fn message(&self) -> &str {
        match self {
            Error::InvalidArgument(m)
            | Error::InvalidConfig(m)
            | Error::UnknownConversation(m)
            | Error::DuplicateConversation(m)
            | Error::UnknownParticipant(m)
            | Error::DuplicateParticipant(m)
            | Error::InvalidState(m)
            | Error::CapacityExceeded(m)
            | Error::TimeWentBackwards(m)
            | Error::LimitExceeded(m) => m,
        }
    }

    /// The same error with `prefix.` in front of the field it names, for callers
    /// that embed an engine value inside a larger document (`config.`, `steps[3].`).
    pub fn within(self, prefix: &str) -> Error {
        let join = |m: String| join_path(prefix, &m);
        match self {
            Error::InvalidArgument(m) => Error::InvalidArgument(join(m)),
            Error::InvalidConfig(m) => Error::InvalidConfig(join(m)),
            Error::UnknownConversation(m) => Error::UnknownConversation(join(m)),
            Error::DuplicateConversation(m) => Error::DuplicateConversation(join(m)),
            Error::UnknownParticipant(m) => Error::UnknownParticipant(join(m)),
            Error::DuplicateParticipant(m) => Error::DuplicateParticipant(join(m)),
            Error::InvalidState(m) => Error::InvalidState(join(m)),
            Error::CapacityExceeded(m) => Error::CapacityExceeded(join(m)),
            Error::TimeWentBackwards(m) => Error::TimeWentBackwards(join(m)),
            Error::LimitExceeded(m) => Error::LimitExceeded(join(m)),
        }
    }
}

/// Puts `outer` in front of a `path: problem` message: `outer.path: problem`,
/// `outer[2].path: problem`, or `outer: problem` when the message names no path.
pub fn join_path(outer: &str, message: &str) -> String {
    let names_path =
        message.split_once(": ").is_some_and(|(head, _)| !head.is_empty() && !head.contains(char::is_whitespace));
    if message.starts_with('[') && names_path {
        format!("{outer}{message}")
    } else if names_path {
        format!("{outer}.{message}")
    } else {
        format!("{outer}: {message}")
    }
}

/// A string holding a lone surrogate, in every binding's words: Python and
/// Node refuse such strings, and serde_json refuses the escape JSON text
/// writes for one (`"\ud800"`, as `JSON.stringify` does).
pub const LONE_SURROGATE: &str = "is not valid Unicode text (it holds a lone surrogate)";

/// Whether serde_json refused a string's escape for a lone surrogate: a
/// syntax error to it, the string's problem to a host.
fn is_lone_surrogate(message: &str) -> bool {
    message.starts_with("lone leading surrogate in hex escape") || message.starts_with("unexpected end of hex escape")
}

/// Whether serde_json refused text for not being JSON at all, which has no
/// field to name. A number out of range, nesting too deep and a lone
/// surrogate are syntax errors to it too, but each is a field's problem.
pub(crate) fn is_not_json(error: &serde_json::Error) -> bool {
    use serde_json::error::Category;
    let message = error.to_string();
    matches!(error.classify(), Category::Syntax | Category::Eof)
        && !is_lone_surrogate(&message)
        && !message.starts_with("number out of range")
        && !message.starts_with("recursion limit exceeded")
}

/// serde's words for Rust types, in the words of the JSON a caller wrote.
fn plain_words(message: &str) -> String {
    if is_lone_surrogate(message) {
        return LONE_SURROGATE.into();
    }
    let mut message = message.replace("expected u32", "expected a whole number from 0 to 4294967295");
    message = message.replace("expected u64", "expected a whole number from 0 up");
    if let Some(at) = message.find("expected struct ") {
        message.replace_range(at.., "expected an object");
    }
    if let Some(at) = message.find("expected a map") {
        message.replace_range(at.., "expected an object");
    }
    message
}

/// Turns a serde error carrying a JSON path into `path: problem`.
pub(crate) fn path_message(err: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = err.path().to_string();
    let root = path == "." || path.is_empty();
    let inner = err.into_inner();
    // Read from JSON text, serde_json ends its message with where it was; the
    // path says that better, and a value gives none, so both read the same.
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let inner = inner.to_string();
    let inner = plain_words(inner.strip_suffix(&position).unwrap_or(&inner));
    // A key that could not be read (a lone surrogate) is `?` to serde_path_to_error.
    if let Some(parent) = path.strip_suffix('?') {
        let parent = parent.strip_suffix('.').unwrap_or("command");
        return format!("{parent}: a key {inner}");
    }
    // serde names a missing field inside its message; name it as the path instead.
    if let Some(field) = inner.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
        return if root { format!("{field}: missing") } else { format!("{path}.{field}: missing") };
    }
    if root {
        inner
    } else {
        format!("{path}: {inner}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_indexed() {
        let all = [
            Error::InvalidArgument(String::new()),
            Error::InvalidConfig(String::new()),
            Error::UnknownConversation(String::new()),
            Error::DuplicateConversation(String::new()),
            Error::UnknownParticipant(String::new()),
            Error::DuplicateParticipant(String::new()),
            Error::InvalidState(String::new()),
            Error::CapacityExceeded(String::new()),
            Error::TimeWentBackwards(String::new()),
            Error::LimitExceeded(String::new()),
        ];
        for (i, e) in all.iter().enumerate() {
            assert_eq!(e.code_index(), i);
            assert_eq!(e.code(), ERROR_CODES[i]);
        }
        let distinct: std::collections::HashSet<&str> = ERROR_CODES.iter().copied().collect();
        assert_eq!(distinct.len(), ERROR_CODES.len(), "two errors share a code: {ERROR_CODES:?}");
    }

    #[test]
    fn a_missing_field_is_named_first() {
        let e = crate::Command::from_value(serde_json::json!({"op": "join", "conversation": "c"})).unwrap_err();
        assert_eq!(e.message(), "participant: missing");
        let e = crate::Config::from_value(serde_json::json!({"policies": {"p": {"wrap_up": {}, "reconnect": {"enabled": true, "portal_url": "u", "x": 1}}}})).unwrap_err();
        assert!(e.message().starts_with("policies.p.reconnect.x: "), "{e}");
    }

    #[test]
    fn messages_name_json_types_not_rust_ones() {
        for (command, message) in [
            (
                serde_json::json!({"op": "set_agent_capacity", "agent": "a", "capacity": -1}),
                "capacity: invalid value: integer `-1`, expected a whole number from 0 to 4294967295",
            ),
            (
                serde_json::json!({"op": "set_participant_timers", "conversation": "c", "timers": 5}),
                "timers: invalid type: integer `5`, expected an object",
            ),
            (
                serde_json::json!({"op": "join", "conversation": "c", "participant": "a", "role": 1}),
                "role: 1 is not a string; expected one of `customer`, `agent`, `supervisor`, `bot`",
            ),
        ] {
            assert_eq!(crate::Command::from_value(command).unwrap_err().message(), message);
        }
    }

    #[test]
    fn within_prefixes_the_field() {
        let e = Error::InvalidConfig("policies.x: bad".into()).within("config");
        assert_eq!(e.message(), "config.policies.x: bad");
        let e = Error::InvalidArgument("[2].op: bad".into()).within("steps");
        assert_eq!(e.message(), "steps[2].op: bad");
        let e = Error::InvalidArgument("missing field `x`".into()).within("steps[0]");
        assert_eq!(e.message(), "steps[0]: missing field `x`");
    }
}
