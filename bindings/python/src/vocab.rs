//! The vocabularies of events (states, roles, reasons, ...) as Python `str`
//! enums. Their values come from the core's own names, so a member always
//! equals the string in the canonical JSON (`State.WRAP_UP == "wrap_up"`).

use chatlife::{HoldReason, LeftReason, Reason, Role, State, WaitFor, Warned};
use chatlife::{ReconnectMethod, RefusedReason, VisibleTo};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use serde::Serialize;

/// One enum: its Python name, its docstring and its values in core order.
struct Vocabulary {
    name: &'static str,
    doc: &'static str,
    values: fn() -> Vec<String>,
}

/// The name serde gives a unit variant: the string in the canonical JSON.
fn wire<T: Serialize>(variant: T) -> String {
    match serde_json::to_value(variant) {
        Ok(serde_json::Value::String(s)) => s,
        // Every vocabulary is a unit-variant enum serialized as a string.
        other => format!("{other:?}"),
    }
}

// The core lists every value of each vocabulary (`ALL`, guarded there against
// a forgotten variant); here they only become strings.

fn states() -> Vec<String> {
    State::ALL.map(wire).to_vec()
}

fn roles() -> Vec<String> {
    Role::ALL.map(wire).to_vec()
}

fn reasons() -> Vec<String> {
    Reason::ALL.map(wire).to_vec()
}

fn left_reasons() -> Vec<String> {
    LeftReason::ALL.map(wire).to_vec()
}

fn visible_to() -> Vec<String> {
    VisibleTo::ALL.map(wire).to_vec()
}

fn reconnect_methods() -> Vec<String> {
    ReconnectMethod::ALL.map(wire).to_vec()
}

fn refused_reasons() -> Vec<String> {
    RefusedReason::ALL.map(wire).to_vec()
}

fn hold_reasons() -> Vec<String> {
    HoldReason::ALL.map(wire).to_vec()
}

fn warned_timers() -> Vec<String> {
    Warned::ALL.map(wire).to_vec()
}

fn wait_for() -> Vec<String> {
    WaitFor::ALL.map(wire).to_vec()
}

/// Which enum an event field holds: its position in `VOCABULARIES`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    State,
    Role,
    Reason,
    LeftReason,
    VisibleTo,
    ReconnectMethod,
    RefusedReason,
    HoldReason,
    Warned,
}

const VOCABULARIES: [Vocabulary; 10] = [
    Vocabulary { name: "State", doc: "Conversation states (docs/rules.md §3).", values: states },
    Vocabulary { name: "Role", doc: "Participant roles (docs/rules.md §2).", values: roles },
    Vocabulary { name: "Reason", doc: "Why a conversation changed state (docs/rules.md §3).", values: reasons },
    Vocabulary { name: "LeftReason", doc: "Why a participant left (docs/rules.md §10).", values: left_reasons },
    Vocabulary { name: "VisibleTo", doc: "Who sees an automated transcript message (R-M1).", values: visible_to },
    Vocabulary { name: "ReconnectMethod", doc: "How a customer came back (R-RC5).", values: reconnect_methods },
    Vocabulary {
        name: "RefusedReason",
        doc: "Why a reconnect attempt was refused (R-RC9); for the audit log.",
        values: refused_reasons,
    },
    Vocabulary { name: "HoldReason", doc: "Why a hold began or ended (docs/rules.md §14).", values: hold_reasons },
    Vocabulary {
        name: "Warned",
        doc: "A timer an expiry warning is about (docs/rules.md §12).",
        values: warned_timers,
    },
    Vocabulary { name: "WaitFor", doc: "What a flow's Wait block waits for (R-T9).", values: wait_for },
];

impl Kind {
    fn index(self) -> usize {
        self as usize
    }
}

/// Per vocabulary, a dict from value to enum member, filled at module init.
static MEMBERS: PyOnceLock<Vec<Py<PyDict>>> = PyOnceLock::new();

/// Creates the enums, adds them to the module and remembers their members.
pub fn add_enums(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let enum_class = py.import("enum")?.getattr("Enum")?;
    let str_type = py.get_type::<PyString>();
    let mut members = Vec::with_capacity(VOCABULARIES.len());
    for vocabulary in &VOCABULARIES {
        let names = PyList::empty(py);
        for value in (vocabulary.values)() {
            names.append((value.to_uppercase(), value))?;
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("module", "chatlife")?;
        kwargs.set_item("qualname", vocabulary.name)?;
        kwargs.set_item("type", &str_type)?;
        let class = enum_class.call((vocabulary.name, names), Some(&kwargs))?.cast_into::<PyType>()?;
        class.setattr("__doc__", vocabulary.doc)?;
        // Print and format as the bare value ("open"), as `enum.StrEnum` does
        // from Python 3.11 on, on every supported Python.
        class.setattr("__str__", str_type.getattr("__str__")?)?;
        class.setattr("__format__", str_type.getattr("__format__")?)?;
        let by_value = PyDict::new(py);
        for member in class.try_iter()? {
            let member = member?;
            by_value.set_item(member.getattr("value")?, member)?;
        }
        members.push(by_value.unbind());
        module.add(vocabulary.name, class)?;
    }
    MEMBERS.set(py, members).map_err(|_| PyRuntimeError::new_err("chatlife._native was initialised twice"))?;
    Ok(())
}

/// The enum member for `value`, or the plain string if the core emitted a
/// value this build does not know (it still equals the canonical string).
pub fn member<'py>(py: Python<'py>, kind: Kind, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let Some(members) = MEMBERS.get(py) else {
        return Ok(value);
    };
    match members.get(kind.index()) {
        Some(by_value) => Ok(by_value.bind(py).get_item(&value)?.unwrap_or(value)),
        None => Ok(value),
    }
}
