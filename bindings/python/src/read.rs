//! Python arguments read in place as the core's `Command`: each value as a
//! `chatlife::Plain`, which the core reads by each field's own type (so as its
//! parser reads JSON), into the command its table builds
//! (`TimedCommand::from_host`), so this module names no command and no field.
//!
//! It only takes plain values (`str`, an `int` from 0 up, `None`): on anything else,
//! or on any refusal, it answers `None` and the caller takes the slow path
//! (JSON, `Command::from_value`), which gives the core's exact error. So a
//! command read here is the one the slow path would build, and arguments are
//! only ever refused by the slow path.
//!
//! The abi3-py39 build cannot borrow a `str`'s UTF-8 (`PyUnicode_AsUTF8AndSize`
//! joined the stable ABI in 3.10): each string is encoded to a short-lived
//! `bytes` and copied into one arena per call or batch.

use std::cell::Cell;

use bumpalo::Bump;
use chatlife::{Command, HostFields, Plain, TimedCommand, COMMAND_KEYS, OPS};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};

/// An arena grown past this by a large batch is not kept for the next call.
const KEPT_CAPACITY: usize = 1 << 16;

thread_local! {
    /// The arena of the last call on this thread, reused so a call allocates
    /// nothing for its strings once the thread has made one.
    static SPARE: Cell<Option<Bump>> = const { Cell::new(None) };
}

/// Where the strings of one call's commands live while the core reads them.
pub struct Arena(Bump);

impl Arena {
    pub fn new() -> Arena {
        Arena(SPARE.with(Cell::take).unwrap_or_default())
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        if self.0.allocated_bytes() <= KEPT_CAPACITY {
            let mut bump = std::mem::take(&mut self.0);
            bump.reset();
            SPARE.with(|spare| spare.set(Some(bump)));
        }
    }
}

/// The arguments of a method's command: their JSON keys and Python values.
pub type Fields<'a, 'py> = [(&'static str, &'a Bound<'py, PyAny>)];

/// One plain Python value (`None`, `str`, an `int` from 0 up) as the core's
/// fast reader takes it; `None` for anything else.
fn plain<'de>(value: &Bound<'_, PyAny>, arena: &'de Arena) -> Option<Plain<'de>> {
    if value.is_none() {
        return Some(Plain::Null);
    }
    if let Ok(text) = value.cast::<PyString>() {
        // A lone surrogate fails to encode; the slow path names the field.
        let bytes = text.encode_utf8().ok()?;
        // SAFETY: the bytes come from CPython's strict UTF-8 encoder, which
        // only produces valid UTF-8 (and fails on what it cannot encode).
        let text = unsafe { std::str::from_utf8_unchecked(bytes.as_bytes()) };
        return Some(Plain::Str(arena.0.alloc_str(text)));
    }
    // `bool` is an `int` in Python, but not in JSON.
    if value.cast::<PyBool>().is_ok() {
        return None;
    }
    value.cast::<PyInt>().ok()?.extract().ok().map(Plain::Whole)
}

/// `chatlife::COMMAND_KEYS`, then `chatlife::OPS`, as interned Python
/// strings, made once. An op written in Python source is interned too, so
/// most are found by identity, without encoding their text.
static NAMES: PyOnceLock<[Vec<Py<PyString>>; 2]> = PyOnceLock::new();

/// A batch command's dict, as the core's fast reader asks it.
struct DictFields<'a, 'py, 'de> {
    dict: &'a Bound<'py, PyDict>,
    arena: &'de Arena,
}

impl<'de> HostFields<'de> for DictFields<'_, '_, 'de> {
    fn get(&mut self, key: usize) -> Option<Plain<'de>> {
        let py = self.dict.py();
        let intern = |names: &[&str]| names.iter().map(|k| PyString::intern(py, k).unbind()).collect();
        let [keys, ops] = NAMES.get_or_init(py, || [intern(COMMAND_KEYS), intern(OPS)]);
        let Some(value) = self.dict.get_item(keys[key].bind(py)).ok()? else { return Some(Plain::Absent) };
        let op = (COMMAND_KEYS[key] == "op").then(|| ops.iter().position(|op| op.as_ptr() == value.as_ptr()));
        match op.flatten() {
            Some(index) => Some(Plain::Str(OPS[index])),
            None => plain(&value, self.arena),
        }
    }

    fn key_count(&mut self) -> Option<usize> {
        Some(self.dict.len())
    }
}

/// A method's arguments, as the core's fast reader asks them.
struct MethodFields<'a, 'py, 'de> {
    fields: &'a Fields<'a, 'py>,
    arena: &'de Arena,
}

impl<'de> HostFields<'de> for MethodFields<'_, '_, 'de> {
    fn get(&mut self, key: usize) -> Option<Plain<'de>> {
        match self.fields.iter().find(|(name, _)| *name == COMMAND_KEYS[key]) {
            Some((_, value)) => plain(value, self.arena),
            None => Some(Plain::Absent),
        }
    }

    fn key_count(&mut self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// A method's command, if the core takes its arguments as they are.
pub fn method<'de>(op: &str, fields: &Fields, arena: &'de Arena) -> Option<Command<'de>> {
    Command::from_host(op, &mut MethodFields { fields, arena })
}

/// A batch command (`{"at": ..., "op": ..., fields}`), if the core takes it
/// as it is; a dict subclass may change how it reads, so the slow path asks it.
pub fn timed<'de>(item: &Bound<'_, PyAny>, arena: &'de Arena) -> Option<TimedCommand<'de>> {
    TimedCommand::from_host(&mut DictFields { dict: item.cast_exact::<PyDict>().ok()?, arena })
}
