//! The vocabularies of events (states, roles, reasons, ...) as Python `str`
//! enums. Their values come from the core's own names, so a member always
//! equals the string in the canonical JSON (`State.WRAP_UP == "wrap_up"`).

use chatlife::{HoldReason, LeftReason, Reason, Role, State, WaitFor, Warned};
use chatlife::{ReconnectMethod, RefusedReason, VisibleTo};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};

/// One enum: its Python name, its docstring and its values in core order.
struct Vocabulary {
    name: &'static str,
    doc: &'static str,
    values: fn() -> Vec<&'static str>,
}

/// Declares the enums: `VOCABULARIES` and `Kind`, both in this order. The
/// core lists every value of each vocabulary (`ALL`, guarded there against a
/// forgotten variant) and names each (`as_str`, the canonical JSON's string).
macro_rules! vocabularies {
    ($( $vocabulary:ident: $doc:literal, )*) => {
        const VOCABULARIES: &[Vocabulary] = &[$(
            Vocabulary { name: stringify!($vocabulary), doc: $doc, values: || $vocabulary::ALL.map($vocabulary::as_str).to_vec() },
        )*];

        /// Which enum an event field holds: its position in `VOCABULARIES`.
        #[derive(Debug, Clone, Copy)]
        #[allow(dead_code)] // WaitFor is the value of no event field.
        pub enum Kind { $( $vocabulary, )* }
    };
}

vocabularies! {
    State: "Conversation states (docs/rules.md §3).",
    Role: "Participant roles (docs/rules.md §2).",
    Reason: "Why a conversation changed state (docs/rules.md §3).",
    LeftReason: "Why a participant left (docs/rules.md §10).",
    VisibleTo: "Who sees an automated transcript message (R-M1).",
    ReconnectMethod: "How a customer came back (R-RC5).",
    RefusedReason: "Why a reconnect attempt was refused (R-RC9); for the audit log.",
    HoldReason: "Why a hold began or ended (docs/rules.md §14).",
    Warned: "A timer an expiry warning is about (docs/rules.md §12).",
    WaitFor: "What a flow's Wait block waits for (R-T9).",
}

/// Per vocabulary, a dict from value to enum member, filled at module init.
static MEMBERS: PyOnceLock<Vec<Py<PyDict>>> = PyOnceLock::new();

/// Creates the enums, adds them to the module and remembers their members.
pub fn add_enums(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let enum_class = py.import("enum")?.getattr("Enum")?;
    let str_type = py.get_type::<PyString>();
    let mut members = Vec::with_capacity(VOCABULARIES.len());
    for vocabulary in VOCABULARIES {
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
    match members.get(kind as usize) {
        Some(by_value) => Ok(by_value.bind(py).get_item(&value)?.unwrap_or(value)),
        None => Ok(value),
    }
}
