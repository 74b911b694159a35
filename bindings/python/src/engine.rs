//! `chatlife.Engine`: the core engine behind a lock.
//!
//! Threads: one engine may be shared by threads. Every call takes the engine's
//! lock, so calls never interleave; the calls that can run long (`advance`,
//! `snapshot`, `restore`, `from_snapshot`, and batches of `DETACH_AT` commands
//! or more) release the GIL while they work. The lock is never held while
//! Python code runs or while waiting for the GIL, so it cannot deadlock against
//! the GIL or a host's own locks: batches read every command before taking it.
//!
//! Every command becomes the core's `Command` and goes to `Engine::apply`: read
//! in place by `read` when its arguments are what the core's command parser
//! accepts, else through that parser, so a wrong type or value gets the same
//! `invalid_argument` message, naming the field, as in a scenario file or any
//! other language.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

use chatlife::{Command, TimedCommand};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::convert::{millis, to_json};
use crate::errors::{exception, guard, internal_error, invalid_argument, to_py_err};
use crate::events::wrap;
use crate::read::{self, Arena, Fields};
use crate::vocab::{member, Kind};

/// The chat lifecycle engine (docs/rules.md). Every command takes `now`, an `int` of
/// milliseconds that never goes back; read events with `poll_events()` and sleep
/// until `next_deadline()` or the next command, then `advance(now)`.
///
/// Thread-safe: calls from several threads are serialized by an internal lock,
/// and the long calls (`advance`, `snapshot`, `restore`, and `apply_many` or
/// `messages` of 64 commands or more) release the GIL while they work. Keeping `now` monotonic across threads is the
/// host's job: read the clock and call under one host lock (see the README).
#[pyclass(frozen, module = "chatlife")]
pub struct Engine {
    core: Mutex<chatlife::Engine>,
    /// Set when the core panicked mid-call: its state can no longer be trusted.
    broken: AtomicBool,
}

/// Builds `{"op": op, field: value, ...}` from Python arguments.
fn command_json(op: &str, fields: &Fields) -> Result<Value, chatlife::Error> {
    let mut object = Map::with_capacity(fields.len() + 1);
    object.insert("op".into(), Value::from(op));
    for (name, value) in fields {
        let value = to_json(value, name)?;
        object.insert((*name).into(), value);
    }
    Ok(Value::Object(object))
}

/// Batches at least this long release the GIL while the core works; for
/// shorter ones releasing and taking it back costs more than other threads
/// gain.
const DETACH_AT: usize = 64;

/// The length of a list or tuple, to size buffers; 0 for other iterables,
/// whose `__len__` is not to be trusted with an allocation.
fn known_length(items: &Bound<'_, PyAny>) -> usize {
    items
        .cast::<PyList>()
        .map(|list| list.len())
        .or_else(|_| items.cast::<PyTuple>().map(|tuple| tuple.len()))
        .unwrap_or(0)
}

/// One command of a batch, read in place or by the core's parser, or the
/// parser's refusal.
type Batched<'t> = Result<TimedCommand<'t>, chatlife::Error>;

impl Engine {
    /// Runs `work` on the core under the lock, with a panic turned into a
    /// `RuntimeError` and the engine marked unusable. `detach` releases the GIL
    /// for the whole call; otherwise the GIL is released only if another
    /// thread holds the lock.
    fn with_core<R: Send>(
        &self,
        py: Python<'_>,
        detach: bool,
        work: impl FnOnce(&mut chatlife::Engine) -> R + Send,
    ) -> PyResult<R> {
        if self.broken.load(Ordering::Acquire) {
            return Err(PyRuntimeError::new_err(
                "chatlife internal error earlier on this engine; it can no longer be used",
            ));
        }
        let run = |mut core: MutexGuard<'_, chatlife::Engine>| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut core)))
        };
        let outcome = if detach {
            py.detach(|| run(lock(&self.core)))
        } else {
            match self.core.try_lock() {
                Ok(core) => run(core),
                Err(TryLockError::Poisoned(poisoned)) => run(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => py.detach(|| run(lock(&self.core))),
            }
        };
        outcome.map_err(|payload| {
            self.broken.store(true, Ordering::Release);
            internal_error(&*payload)
        })
    }

    /// Applies a batch, releasing the GIL for long ones. One entry per
    /// command: `None` if accepted, else the exception (not raised).
    fn batch<'py>(&self, py: Python<'py>, batch: Vec<Batched<'_>>) -> PyResult<Bound<'py, PyList>> {
        let detach = batch.len() >= DETACH_AT;
        let results = self.with_core(py, detach, |core| {
            core.apply_in_windows(
                &batch,
                |c| c.as_ref().ok()?.command.conversation(),
                |core, c| c.as_ref().map_err(Clone::clone).and_then(|c| core.apply(c.at, &c.command)),
            )
        })?;
        let outcome = |result: &Result<(), chatlife::Error>| match result {
            Ok(()) => py.None().into_bound(py),
            Err(e) => exception(py, e),
        };
        PyList::new(py, results.iter().map(outcome))
    }

    /// Applies one command, read in place by `read` if the core takes its
    /// arguments as they are, else parsed by the core, which checks every field.
    fn command<'a>(
        &self,
        py: Python<'_>,
        now: &Bound<'_, PyAny>,
        op: &'static str,
        fields: &Fields,
        read: impl FnOnce() -> Option<Command<'a>>,
    ) -> PyResult<()> {
        let (now, command) = match (millis(now, "now"), guard(|| Ok(read()))?) {
            (Ok(now), Some(command)) => (now, command),
            _ => {
                let value = command_json(op, fields).map_err(|e| to_py_err(py, &e))?;
                let now = millis(now, "now")?;
                (now, guard(|| Command::from_value(value).map_err(|e| to_py_err(py, &e)))?)
            }
        };
        // Only `advance` can run long: it fires every timer due.
        let detach = matches!(command, Command::Advance {});
        self.with_core(py, detach, |core| core.apply(now, &command))?.map_err(|e| to_py_err(py, &e))
    }
}

/// The bytes of an argument given as `bytes`, `bytearray` or `memoryview`;
/// `source` says where such bytes come from, for the error message.
fn byte_arg(py: Python<'_>, value: &Bound<'_, PyAny>, field: &str, source: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if value.cast::<PyByteArray>().is_ok() || value.cast::<PyMemoryView>().is_ok() {
        let bytes = py.get_type::<PyBytes>().call1((value,))?.cast_into::<PyBytes>()?;
        return Ok(bytes.as_bytes().to_vec());
    }
    Err(invalid_argument(py, format!("{field}: must be the bytes {source} returned, not {}", value.get_type().name()?)))
}

/// A `str` argument the core takes as `&str` rather than through a command.
fn string_arg(py: Python<'_>, value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match to_json(value, field).map_err(|e| invalid_argument(py, e.message()))? {
        Value::String(text) => Ok(text),
        _ => Err(invalid_argument(py, format!("{field}: must be a str, not {}", value.get_type().name()?))),
    }
}

/// The command methods, one `#[pymethods]` block per entry of the core's
/// table (`chatlife::command_table!`): `op(now, fields...)` with required and
/// nullable fields positional, optional ones keyword-only and `None` by
/// default, each named as the field (its JSON key is `json_key`'s).
macro_rules! methods {
    ($( $(#[doc = $doc:literal])* $variant:ident = $op:literal { $( $need:ident $field:ident : $kind:ident ),* $(,)? } )*) => {
        $( methods!(@split [$(#[doc = $doc])* $variant $op $($field)*] [] [] [] $( $need $field )*); )*
    };
    // Sorts the fields: `pos` positional, `kw` keyword-only, `sig` their part
    // of the signature. A required field after an optional one matches no rule.
    (@split $head:tt [$($pos:ident)*] [] [] opt $field:ident $($rest:tt)*) => {
        methods!(@split $head [$($pos)*] [$field] [*, $field = None,] $($rest)*);
    };
    (@split $head:tt $pos:tt [$($kw:ident)+] [$($sig:tt)+] opt $field:ident $($rest:tt)*) => {
        methods!(@split $head $pos [$($kw)+ $field] [$($sig)+ $field = None,] $($rest)*);
    };
    (@split $head:tt [$($pos:ident)*] [] [] $need:ident $field:ident $($rest:tt)*) => {
        methods!(@split $head [$($pos)* $field] [] [] $($rest)*);
    };
    (@split [$(#[doc = $doc:literal])* $variant:ident $op:literal $($field:ident)*] [$($pos:ident)*] [$($kw:ident)*] [$($sig:tt)*]) => {
        #[pymethods]
        impl Engine {
            $(#[doc = $doc])*
            #[pyo3(name = $op, signature = (now, $($pos,)* $($sig)*))]
            #[allow(non_snake_case, clippy::too_many_arguments)]
            fn $variant(
                &self,
                py: Python<'_>,
                now: &Bound<'_, PyAny>,
                $( $pos: &Bound<'_, PyAny>, )*
                $( $kw: Option<&Bound<'_, PyAny>>, )*
            ) -> PyResult<()> {
                let _none = py.None().into_bound(py);
                $( let $kw = $kw.unwrap_or(&_none); )*
                let fields = [$( (chatlife::json_key(stringify!($field)), $field) ),*];
                let _arena = Arena::new();
                self.command(py, now, $op, &fields, || read::method($op, &fields, &_arena))
            }
        }
    };
}

chatlife::command_table!(methods);

/// Locks the core even if an earlier panic poisoned the lock: `broken` is what
/// stops a damaged engine from being used.
fn lock(core: &Mutex<chatlife::Engine>) -> MutexGuard<'_, chatlife::Engine> {
    core.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[pymethods]
impl Engine {
    /// A new engine at time 0. `config` is the configuration of docs/rules.md §8 as a
    /// `dict` or as JSON text; `{}` is valid. Raises `InvalidConfig`.
    #[new]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let invalid_config = |message: String| to_py_err(py, &chatlife::Error::InvalidConfig(message));
        let parsed = if let Ok(text) = config.cast::<PyString>() {
            let text = crate::convert::text(text, "configuration").map_err(|e| invalid_config(e.message()))?;
            guard(|| chatlife::Config::from_json(&text).map_err(|e| to_py_err(py, &e)))?
        } else if config.cast::<PyDict>().is_ok() || config.cast::<pyo3::types::PyMapping>().is_ok() {
            // Paths inside the configuration read as the core's own (`policies.default...`).
            let value = to_json(config, "").map_err(|e| {
                invalid_config(if e.path.is_empty() { format!("configuration: {}", e.problem) } else { e.message() })
            })?;
            guard(|| chatlife::Config::from_value(value).map_err(|e| to_py_err(py, &e)))?
        } else {
            return Err(invalid_config(format!(
                "configuration: must be a dict or JSON text, not {}",
                config.get_type().name()?
            )));
        };
        let core = guard(|| chatlife::Engine::new(parsed).map_err(|e| to_py_err(py, &e)))?;
        Ok(Engine { core: Mutex::new(core), broken: AtomicBool::new(false) })
    }

    /// Applies commands of the scenario form, `{"at": ms, "op": ..., fields}`,
    /// in order, releasing the GIL while it works if the batch is long.
    /// Returns one entry per command: `None` if accepted, else the exception
    /// (not raised). A rejected command does not stop the batch.
    fn apply_many<'py>(&self, py: Python<'py>, commands: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let iter = commands
            .try_iter()
            .map_err(|_| invalid_argument(py, "commands: must be an iterable of command dicts".into()))?;
        let expected = known_length(commands);
        let arena = Arena::new();
        let mut batch = Vec::with_capacity(expected);
        for (i, item) in iter.enumerate() {
            let item = item?;
            let command = match guard(|| Ok(read::timed(&item, &arena)))? {
                Some(command) => Ok(command),
                None => {
                    let path = format!("commands[{i}]");
                    let parse = |value| TimedCommand::from_value(value).map_err(|e| e.within(&path));
                    guard(|| Ok(to_json(&item, &path).map_err(chatlife::Error::from).and_then(parse)))?
                }
            };
            batch.push(command);
        }
        self.batch(py, batch)
    }

    /// `message(now, conversations[i], participants[i])` for every `i`, in
    /// order, in one call: the fastest way to feed many messages of one tick.
    /// Returns one entry per message, as `apply_many` does: `None` if
    /// accepted, else the exception `message` would have raised (not raised).
    /// A `now` that is not an `int` of milliseconds, or sequences of different
    /// lengths, raise `InvalidArgument` before anything is applied.
    fn messages<'py>(
        &self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
        conversations: &Bound<'py, PyAny>,
        participants: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = millis(now, "now")?;
        let iterate = |items: &Bound<'py, PyAny>, field: &str| {
            items.try_iter().map_err(|_| invalid_argument(py, format!("{field}: must be an iterable of str")))
        };
        let expected = known_length(conversations);
        const COLUMNS: [&str; 2] = ["conversations", "participants"];
        let (mut conversations, mut participants) =
            (iterate(conversations, COLUMNS[0])?, iterate(participants, COLUMNS[1])?);
        let arena = Arena::new();
        let mut batch = Vec::with_capacity(expected);
        loop {
            let (conversation, participant) =
                match (conversations.next().transpose()?, participants.next().transpose()?) {
                    (None, None) => break,
                    (Some(conversation), Some(participant)) => (conversation, participant),
                    (conversation, _) => {
                        let [shorter, longer] =
                            if conversation.is_some() { [1, 0] } else { [0, 1] }.map(|i| COLUMNS[i]);
                        let message = format!("{shorter}: has fewer items than {longer}; give one per message");
                        return Err(invalid_argument(py, message));
                    }
                };
            let fields = [("conversation", &conversation), ("participant", &participant)];
            let command = match guard(|| Ok(read::method("message", &fields, &arena)))? {
                Some(command) => Ok(command),
                None => guard(|| Ok(command_json("message", &fields).and_then(Command::from_value)))?,
            };
            batch.push(command.map(|command| TimedCommand { at: now, command }));
        }
        self.batch(py, batch)
    }

    /// The earliest pending timer deadline in ms, or `None` (T5).
    fn next_deadline(&self, py: Python<'_>) -> PyResult<Option<u64>> {
        self.with_core(py, false, |core| core.next_deadline())
    }

    /// Every event not yet taken, oldest first, as `Event` subclasses.
    fn poll_events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let events = self.with_core(py, false, |core| {
            let mut events = Vec::new();
            core.drain_events(&mut events);
            events
        })?;
        let events = guard(|| events.into_iter().map(|event| wrap(py, event)).collect::<PyResult<Vec<_>>>())?;
        PyList::new(py, events)
    }

    /// Everything the engine holds, as versioned JSON bytes, to store and later
    /// `restore`. Events not yet polled are not included: poll them first.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.with_core(py, true, |core| core.snapshot())?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Replaces this engine's whole state with a snapshot's. A corrupted,
    /// truncated or future-version snapshot raises `InvalidArgument` naming the
    /// JSON path and leaves the engine as it was.
    fn restore(&self, py: Python<'_>, snapshot: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = byte_arg(py, snapshot, "snapshot", "Engine.snapshot()")?;
        self.with_core(py, true, |core| core.restore(&bytes))?.map_err(|e| to_py_err(py, &e))
    }

    /// A new engine continuing from a snapshot (see `restore`).
    #[staticmethod]
    fn from_snapshot(py: Python<'_>, snapshot: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes = byte_arg(py, snapshot, "snapshot", "Engine.snapshot()")?;
        let core = py
            .detach(|| std::panic::catch_unwind(|| chatlife::Engine::from_snapshot(&bytes)))
            .map_err(|payload| internal_error(&*payload))?
            .map_err(|e| to_py_err(py, &e))?;
        Ok(Engine { core: Mutex::new(core), broken: AtomicBool::new(false) })
    }

    /// Moves a conversation out of this engine (releasing its agent's capacity
    /// here) and returns it as bytes for `import_conversation` on another
    /// engine. Keep the bytes until the import succeeded.
    fn export_conversation<'py>(
        &self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
        conversation: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let now = millis(now, "now")?;
        let id = string_arg(py, conversation, "conversation")?;
        let bytes =
            self.with_core(py, false, |core| core.export_conversation(now, &id))?.map_err(|e| to_py_err(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Takes in a conversation exported by another engine whose configuration
    /// has a policy of the same name.
    fn import_conversation(&self, py: Python<'_>, now: &Bound<'_, PyAny>, exported: &Bound<'_, PyAny>) -> PyResult<()> {
        let now = millis(now, "now")?;
        let bytes = byte_arg(py, exported, "exported", "Engine.export_conversation()")?;
        self.with_core(py, false, |core| core.import_conversation(now, &bytes))?.map_err(|e| to_py_err(py, &e))
    }

    /// The engine's clock: the `now` of the last accepted call.
    #[getter]
    fn now(&self, py: Python<'_>) -> PyResult<u64> {
        self.with_core(py, false, |core| core.now())
    }

    /// The state of a conversation, or `None` if the engine does not know it
    /// (never started, or closed and forgotten).
    fn state<'py>(&self, py: Python<'py>, conversation: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let id = string_arg(py, conversation, "conversation")?;
        match self.with_core(py, false, |core| core.state(&id))? {
            Some(state) => Ok(Some(member(py, Kind::State, PyString::new(py, state.as_str()).into_any())?)),
            None => Ok(None),
        }
    }

    /// `(used, capacity)` of an agent, in units; capacity `None` is unbounded.
    fn agent_load(&self, py: Python<'_>, agent: &Bound<'_, PyAny>) -> PyResult<(u32, Option<u32>)> {
        let id = string_arg(py, agent, "agent")?;
        self.with_core(py, false, |core| core.agent_load(&id))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (now, conversations, pending) =
            self.with_core(py, false, |core| (core.now(), core.conversation_count(), core.pending_events()))?;
        Ok(format!("Engine(now={now}, conversations={conversations}, pending_events={pending})"))
    }
}
