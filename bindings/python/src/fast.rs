//! The fast path of the hot commands: their `str` and `int` arguments read
//! straight from Python and handed to the core's typed methods, with no JSON
//! value and no command parser in between.
//!
//! It only ever takes arguments the core's command parser would accept as they
//! are: every field of the right type, no unknown field, valid Unicode. On
//! anything else it answers `None` and the caller takes the slow path (JSON,
//! `Command::from_value`), which raises exactly the error it always did. So
//! both paths reach the same core call with the same values, and arguments
//! are only ever refused by the slow path.

// The keys a batch command read in place may have, at positions the core fixes.
use chatlife::plain_fields::*;
use chatlife::Role;
use chatlife::MAX_TIME;
use chatlife::{Engine, Error, Millis, StartOptions};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::Deserialize;

use crate::text::{Span, Texts};

/// The commands of docs/rules.md §9 that take `(now, conversation, participant)`.
#[derive(Debug, Clone, Copy)]
pub enum ParticipantOp {
    Leave,
    Message,
    ConnectionLost,
    ConnectionRestored,
    End,
    CloseSession,
    Hold,
    Resume,
}

/// A command whose fields have been read, its strings in a [`Texts`].
#[derive(Debug)]
pub enum Fast {
    Advance,
    Participant {
        op: ParticipantOp,
        conversation: Span,
        participant: Span,
    },
    Join {
        conversation: Span,
        participant: Span,
        role: Role,
        display_name: Option<Span>,
    },
    Start {
        conversation: Span,
        customer: Span,
        policy: Option<Span>,
        authenticated_as: Option<Span>,
        display_name: Option<Span>,
    },
}

impl Fast {
    /// The conversation it names, if any.
    pub fn conversation<'t>(&self, texts: &'t Texts) -> Option<&'t str> {
        match self {
            Fast::Advance => None,
            Fast::Participant { conversation, .. }
            | Fast::Join { conversation, .. }
            | Fast::Start { conversation, .. } => Some(texts.get(conversation)),
        }
    }

    /// Applies the command through the core's typed method, as
    /// `Engine::apply` does for the parsed `Command`.
    pub fn apply(&self, core: &mut Engine, now: Millis, texts: &Texts) -> Result<(), Error> {
        let text = |span: &Span| texts.get(span);
        let optional = |span: &Option<Span>| span.as_ref().map(text);
        match self {
            Fast::Advance => core.advance(now),
            Fast::Participant { op, conversation, participant } => {
                let (conversation, participant) = (text(conversation), text(participant));
                match op {
                    ParticipantOp::Leave => core.leave(now, conversation, participant),
                    ParticipantOp::Message => core.message(now, conversation, participant),
                    ParticipantOp::ConnectionLost => core.connection_lost(now, conversation, participant),
                    ParticipantOp::ConnectionRestored => core.connection_restored(now, conversation, participant),
                    ParticipantOp::End => core.end(now, conversation, participant),
                    ParticipantOp::CloseSession => core.close_session(now, conversation, participant),
                    ParticipantOp::Hold => core.hold(now, conversation, participant),
                    ParticipantOp::Resume => core.resume(now, conversation, participant),
                }
            }
            Fast::Join { conversation, participant, role, display_name } => {
                core.join(now, text(conversation), text(participant), *role, optional(display_name))
            }
            Fast::Start { conversation, customer, policy, authenticated_as, display_name } => core.start_conversation(
                now,
                text(conversation),
                text(customer),
                StartOptions {
                    policy: optional(policy),
                    authenticated_as: optional(authenticated_as),
                    display_name: optional(display_name),
                },
            ),
        }
    }
}

/// A role as the core's command parser reads it (`"agent"`, or `Role.AGENT`).
pub fn role(value: &Bound<'_, PyAny>, texts: &mut Texts) -> Option<Role> {
    let mark = texts.mark();
    let span = texts.push(value)?;
    let role = Role::deserialize(StrDeserializer::<ValueError>::new(texts.get(&span))).ok();
    texts.truncate(mark);
    role
}

/// The arguments of `join`, read if they all are what the parser accepts.
pub fn join(
    texts: &mut Texts,
    conversation: &Bound<'_, PyAny>,
    participant: &Bound<'_, PyAny>,
    role_value: &Bound<'_, PyAny>,
    display_name: Option<&Bound<'_, PyAny>>,
) -> Option<Fast> {
    Some(Fast::Join {
        conversation: texts.push(conversation)?,
        participant: texts.push(participant)?,
        role: role(role_value, texts)?,
        display_name: texts.push_optional(display_name)?,
    })
}

/// The arguments of `start_conversation`, read if they all are what the parser accepts.
pub fn start(
    texts: &mut Texts,
    conversation: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyAny>>,
    authenticated_as: Option<&Bound<'_, PyAny>>,
    display_name: Option<&Bound<'_, PyAny>>,
) -> Option<Fast> {
    Some(Fast::Start {
        conversation: texts.push(conversation)?,
        customer: texts.push(customer)?,
        policy: texts.push_optional(policy)?,
        authenticated_as: texts.push_optional(authenticated_as)?,
        display_name: texts.push_optional(display_name)?,
    })
}

/// The arguments of a `(now, conversation, participant)` command.
pub fn participant(
    texts: &mut Texts,
    op: ParticipantOp,
    conversation: &Bound<'_, PyAny>,
    participant: &Bound<'_, PyAny>,
) -> Option<Fast> {
    Some(Fast::Participant { op, conversation: texts.push(conversation)?, participant: texts.push(participant)? })
}

/// The commands the fast path takes from a batch, by `op`.
#[derive(Clone, Copy)]
enum Op {
    Advance,
    Participant(ParticipantOp),
    Join,
    Start,
}

/// The ops the fast path takes from a batch.
const FAST_OPS: [(&str, Op); 11] = [
    ("advance", Op::Advance),
    ("leave", Op::Participant(ParticipantOp::Leave)),
    ("message", Op::Participant(ParticipantOp::Message)),
    ("connection_lost", Op::Participant(ParticipantOp::ConnectionLost)),
    ("connection_restored", Op::Participant(ParticipantOp::ConnectionRestored)),
    ("end", Op::Participant(ParticipantOp::End)),
    ("close_session", Op::Participant(ParticipantOp::CloseSession)),
    ("hold", Op::Participant(ParticipantOp::Hold)),
    ("resume", Op::Participant(ParticipantOp::Resume)),
    ("join", Op::Join),
    ("start_conversation", Op::Start),
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_core_op(name: &str) -> bool {
    let mut i = 0;
    while i < chatlife::OPS.len() {
        if same(chatlife::OPS[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

// A fast op the core renames or drops stops compilation here.
const _: () = {
    let mut i = 0;
    while i < FAST_OPS.len() {
        assert!(is_core_op(FAST_OPS[i].0), "a fast op is not a command of the core");
        i += 1;
    }
};

/// The keys and op names as interned Python strings, made once: keys and ops
/// written in Python source are interned too, so most are found by identity,
/// without reading their text.
struct Names {
    keys: [Py<PyString>; KEYS.len()],
    ops: [Py<PyString>; FAST_OPS.len()],
}

static NAMES: PyOnceLock<Names> = PyOnceLock::new();

fn names(py: Python<'_>) -> &Names {
    NAMES.get_or_init(py, || Names {
        keys: KEYS.map(|key| PyString::intern(py, key).unbind()),
        ops: FAST_OPS.map(|(op, _)| PyString::intern(py, op).unbind()),
    })
}

/// The index in `interned` of `value`, a name: by identity, else by
/// comparing it as a `str` (a key from `json.loads`, say), else by its text
/// (a `str` subclass, whose `__eq__` is not to be trusted). `None` if it is
/// none of them.
fn find_name(
    value: &Bound<'_, PyAny>,
    interned: &[Py<PyString>],
    mut names: impl Iterator<Item = &'static str>,
    texts: &mut Texts,
) -> Option<usize> {
    if let Some(index) = interned.iter().position(|name| value.as_ptr() == name.as_ptr()) {
        return Some(index);
    }
    if value.is_exact_instance_of::<PyString>() {
        // str == str runs no Python code.
        return interned.iter().position(|name| value.eq(name).unwrap_or(false));
    }
    let mark = texts.mark();
    let span = texts.push(value)?;
    let index = names.position(|name| name == texts.get(&span));
    texts.truncate(mark);
    index
}

/// `at` as the parser reads it: an `int` of milliseconds up to `MAX_TIME`, or
/// a duration string (read by the core's own `parse_at`).
fn at(value: &Bound<'_, PyAny>, texts: &mut Texts) -> Option<Millis> {
    if value.cast::<PyInt>().is_ok() && value.cast::<PyBool>().is_err() {
        return value.extract::<u64>().ok().filter(|&ms| ms <= MAX_TIME);
    }
    if value.cast::<PyString>().is_ok() {
        let mark = texts.mark();
        let span = texts.push(value)?;
        let text = serde_json::Value::String(texts.get(&span).to_owned());
        texts.truncate(mark);
        return chatlife::parse_at(&text).ok();
    }
    None
}

/// A batch command (`{"at": ..., "op": ..., fields}`) of one of the fast ops,
/// read if it is exactly what the parser accepts; `None` otherwise, with
/// nothing left in `texts`.
pub fn timed(item: &Bound<'_, PyAny>, texts: &mut Texts) -> Option<(Millis, Fast)> {
    // A dict subclass may change how it reads; the slow path asks it.
    let dict = item.cast_exact::<PyDict>().ok()?;
    let names = names(item.py());
    let mut fields: [Option<Bound<'_, PyAny>>; KEYS.len()] = Default::default();
    for (key, value) in dict.iter() {
        fields[find_name(&key, &names.keys, KEYS.into_iter(), texts)?] = Some(value);
    }
    let mark = texts.mark();
    let parsed = read_timed(&fields, names, texts);
    if parsed.is_none() {
        texts.truncate(mark);
    }
    parsed
}

fn read_timed(
    fields: &[Option<Bound<'_, PyAny>>; KEYS.len()],
    names: &Names,
    texts: &mut Texts,
) -> Option<(Millis, Fast)> {
    let now = at(fields[AT].as_ref()?, texts)?;
    let ops = FAST_OPS.iter().map(|(name, _)| *name);
    let (_, op) = FAST_OPS[find_name(fields[OP].as_ref()?, &names.ops, ops, texts)?];
    // The fields each op may have beyond `at` and `op`; any other present is
    // an unknown field to the parser.
    let allowed: &[usize] = match op {
        Op::Advance => &[],
        Op::Participant(_) => &[CONVERSATION, PARTICIPANT],
        Op::Join => &[CONVERSATION, PARTICIPANT, ROLE, DISPLAY_NAME],
        Op::Start => &[CONVERSATION, CUSTOMER, POLICY, AUTHENTICATED_AS, DISPLAY_NAME],
    };
    let unknown = fields.iter().enumerate().any(|(i, f)| f.is_some() && i != AT && i != OP && !allowed.contains(&i));
    if unknown {
        return None;
    }
    let field = |i: usize| fields[i].as_ref();
    let fast = match op {
        Op::Advance => Fast::Advance,
        Op::Participant(op) => participant(texts, op, field(CONVERSATION)?, field(PARTICIPANT)?)?,
        Op::Join => join(texts, field(CONVERSATION)?, field(PARTICIPANT)?, field(ROLE)?, field(DISPLAY_NAME))?,
        Op::Start => start(
            texts,
            field(CONVERSATION)?,
            field(CUSTOMER)?,
            field(POLICY),
            field(AUTHENTICATED_AS),
            field(DISPLAY_NAME),
        )?,
    };
    Some((now, fast))
}
