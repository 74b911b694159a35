//! Python arguments read in place as the core's `Command`: a serde source over
//! the Python objects, fed to the core's own command reader, so this module
//! knows no command and no field.
//!
//! It only takes plain values (`str`, `int`, `bool`, `None`): on anything else,
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
use chatlife::plain_fields::KEYS;
use chatlife::{Command, TimedCommand, OPS};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::Deserialize;

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

/// Why a value was not read; the slow path says it properly.
type Refused = serde::de::value::Error;

/// The keys and op names as interned Python strings, made once: keys and ops
/// written in Python source are interned too, so most are found by identity,
/// without encoding their text.
struct Names {
    keys: Vec<(Py<PyString>, &'static str)>,
    ops: Vec<(Py<PyString>, &'static str)>,
}

static NAMES: PyOnceLock<Names> = PyOnceLock::new();

fn intern(py: Python<'_>, names: &[&'static str]) -> Vec<(Py<PyString>, &'static str)> {
    names.iter().map(|&name| (PyString::intern(py, name).unbind(), name)).collect()
}

/// `value` as a name of `names` if it is that very string, else as it is.
fn name<'py>(value: Bound<'py, PyAny>, names: &[(Py<PyString>, &'static str)]) -> Item<'py> {
    match names.iter().find(|(name, _)| name.as_ptr() == value.as_ptr()) {
        Some(&(_, text)) => Item::Name(text),
        None => Item::Py(value),
    }
}

/// The arguments of a method's command: their JSON keys and Python values.
pub type Fields<'a, 'py> = [(&'static str, &'a Bound<'py, PyAny>)];

/// One key or value: a name the binding gives, or a Python object.
enum Item<'py> {
    Name(&'static str),
    Py(Bound<'py, PyAny>),
}

/// Reads one `Item` as the slow path's JSON would hold it.
struct Reader<'de, 'py> {
    item: Item<'py>,
    arena: &'de Arena,
}

impl<'de> Reader<'de, '_> {
    fn text(&self, value: &Bound<'_, PyString>) -> Result<&'de str, Refused> {
        // A lone surrogate fails to encode; the slow path names the field.
        let bytes = value.encode_utf8().map_err(|_| de::Error::custom("not UTF-8"))?;
        // SAFETY: the bytes come from CPython's strict UTF-8 encoder, which
        // only produces valid UTF-8 (and fails on what it cannot encode).
        let text = unsafe { std::str::from_utf8_unchecked(bytes.as_bytes()) };
        Ok(self.arena.0.alloc_str(text))
    }
}

impl<'de> de::Deserializer<'de> for Reader<'de, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        let value = match &self.item {
            Item::Name(name) => return visitor.visit_borrowed_str(name),
            Item::Py(value) => value,
        };
        if value.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(flag) = value.cast::<PyBool>() {
            return visitor.visit_bool(flag.is_true());
        }
        if let Ok(text) = value.cast::<PyString>() {
            return visitor.visit_borrowed_str(self.text(text)?);
        }
        // As serde_json holds an integer: unsigned if it can be, else signed.
        if value.cast::<PyInt>().is_ok() {
            if let Ok(n) = value.extract::<u64>() {
                return visitor.visit_u64(n);
            }
            if let Ok(n) = value.extract::<i64>() {
                return visitor.visit_i64(n);
            }
        }
        Err(de::Error::custom("not a plain value"))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match &self.item {
            Item::Py(value) if value.is_none() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The entries of a command object, read one after the other.
struct Entries<'de, 'py, I> {
    entries: I,
    value: Option<Item<'py>>,
    arena: &'de Arena,
}

impl<'de, 'py, I: Iterator<Item = (Item<'py>, Item<'py>)>> MapAccess<'de> for Entries<'de, 'py, I> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Refused> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(Reader { item: key, arena: self.arena }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refused> {
        seed.deserialize(Reader {
            item: self.value.take().ok_or_else(|| de::Error::custom("no value"))?,
            arena: self.arena,
        })
    }
}

/// The command `{"op": op, fields...}` of a method's arguments, if the core
/// takes it as it is.
pub fn command<'de>(op: &'static str, fields: &Fields, arena: &'de Arena) -> Option<Command<'de>> {
    let entries = std::iter::once((Item::Name("op"), Item::Name(op)))
        .chain(fields.iter().map(|(key, value)| (Item::Name(key), Item::Py((*value).clone()))));
    Command::deserialize(MapAccessDeserializer::new(Entries { entries, value: None, arena })).ok()
}

/// A batch command (`{"at": ..., "op": ..., fields}`), if the core takes it as it is.
pub fn timed<'de>(item: &Bound<'_, PyAny>, arena: &'de Arena) -> Option<TimedCommand<'de>> {
    // A dict subclass may change how it reads; the slow path asks it.
    let dict = item.cast_exact::<PyDict>().ok()?;
    let py = item.py();
    let names = NAMES.get_or_init(py, || Names { keys: intern(py, &KEYS), ops: intern(py, OPS) });
    let entries = dict.iter().map(|(key, value)| match name(key, &names.keys) {
        Item::Name("op") => (Item::Name("op"), name(value, &names.ops)),
        key => (key, Item::Py(value)),
    });
    TimedCommand::deserialize(MapAccessDeserializer::new(Entries { entries, value: None, arena })).ok()
}
