//! Python arguments read in place as the core's `Command`: each field by its
//! own type's `Deserialize` (so as the core's parser reads it) from the Python
//! object, and the command built from the core's table
//! (`chatlife::command_table!`), so this module names no command and no field,
//! and no command goes through the parser's every-field `Fields` on its way.
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
use chatlife::{Command, TimedCommand, OPS};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use serde::de::{self, Visitor};
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

/// The arguments of a method's command: their JSON keys and Python values.
pub type Fields<'a, 'py> = [(&'static str, &'a Bound<'py, PyAny>)];

/// `value` as a field of type `T`, if the core's parser reads it as the slow
/// path's JSON would hold it.
pub fn field<'de, T: Deserialize<'de>>(value: &Bound<'_, PyAny>, arena: &'de Arena) -> Option<T> {
    T::deserialize(Reader { value, arena }).ok()
}

/// Reads one plain Python value.
struct Reader<'de, 'a, 'py> {
    value: &'a Bound<'py, PyAny>,
    arena: &'de Arena,
}

impl<'de> de::Deserializer<'de> for Reader<'de, '_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        let value = self.value;
        if value.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(flag) = value.cast::<PyBool>() {
            return visitor.visit_bool(flag.is_true());
        }
        if let Ok(text) = value.cast::<PyString>() {
            // A lone surrogate fails to encode; the slow path names the field.
            let bytes = text.encode_utf8().map_err(|_| de::Error::custom("not UTF-8"))?;
            // SAFETY: the bytes come from CPython's strict UTF-8 encoder, which
            // only produces valid UTF-8 (and fails on what it cannot encode).
            let text = unsafe { std::str::from_utf8_unchecked(bytes.as_bytes()) };
            return visitor.visit_borrowed_str(self.arena.0.alloc_str(text));
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
        if self.value.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The op names as interned Python strings, made once: an op written in
/// Python source is interned too, so most are found by identity, without
/// encoding their text.
static OP_NAMES: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();

/// A batch command's `op`, if it names a command.
fn op_of(value: &Bound<'_, PyAny>, arena: &Arena) -> Option<&'static str> {
    let py = value.py();
    let names = OP_NAMES.get_or_init(py, || OPS.iter().map(|op| PyString::intern(py, op).unbind()).collect());
    match names.iter().position(|name| name.as_ptr() == value.as_ptr()) {
        Some(index) => Some(OPS[index]),
        None => field::<&str>(value, arena).and_then(|text| OPS.iter().copied().find(|op| *op == text)),
    }
}

/// Declares `timed`, which reads each command of the table from a dict.
macro_rules! dict_reader {
    (@get req $dict:ident, $key:expr, $given:ident) => { { $given += 1; $dict.get_item($key).ok()?? } };
    (@get nul $dict:ident, $key:expr, $given:ident) => { dict_reader!(@get req $dict, $key, $given) };
    (@get opt $dict:ident, $key:expr, $given:ident) => {
        match $dict.get_item($key).ok()? {
            Some(value) => { $given += 1; value }
            None => $dict.py().None().into_bound($dict.py()),
        }
    };
    ($( $(#[doc = $doc:literal])* $variant:ident = $op:literal { $( $need:ident $field:ident : $kind:ident ),* $(,)? } )*) => {
        /// A batch command (`{"at": ..., "op": ..., fields}`), if the core
        /// takes it as it is: no key beyond `at`, `op` and the op's fields.
        pub fn timed<'de>(item: &Bound<'_, PyAny>, arena: &'de Arena) -> Option<TimedCommand<'de>> {
            // A dict subclass may change how it reads; the slow path asks it.
            let dict = item.cast_exact::<PyDict>().ok()?;
            let py = item.py();
            let at = field::<serde_json::Value>(&dict.get_item(pyo3::intern!(py, "at")).ok()??, arena)?;
            let at = chatlife::parse_at(&at).ok()?;
            let mut given = 2;
            let command = match op_of(&dict.get_item(pyo3::intern!(py, "op")).ok()??, arena)? {
                $( $op => Command::$variant { $( $field: field(
                    &dict_reader!(@get $need dict, pyo3::intern!(py, chatlife::json_key(stringify!($field))), given),
                    arena,
                )? ),* }, )*
                _ => return None,
            };
            (given == dict.len()).then_some(TimedCommand { at, command })
        }
    };
}

chatlife::command_table!(dict_reader);
