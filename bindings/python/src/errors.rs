//! The exception classes of docs/rules.md E2 (one base class, one subclass per code) and
//! the guard that keeps a Rust panic from ever reaching Python as a
//! `PanicException`, which derives from `BaseException` and would slip past
//! every `except Exception` in a host's event loop.

use std::panic::{catch_unwind, AssertUnwindSafe};

use chatlife::ERROR_CODES;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

create_exception!(
    chatlife,
    ChatlifeError,
    PyException,
    "Base class of every error chatlife raises. `.code` is the stable code of docs/rules.md E1; \
     `.message` (also `str(error)`) names the offending field first."
);

/// One subclass per code of `ERROR_CODES`, in its order, made at module init.
static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

/// The class raised for the code at `index` of `ERROR_CODES`.
fn class_of(py: Python<'_>, index: usize) -> Bound<'_, PyType> {
    match CLASSES.get(py).and_then(|classes| classes.get(index)) {
        Some(class) => class.bind(py).clone(),
        None => py.get_type::<ChatlifeError>(),
    }
}

/// Adds the base class and one subclass per code, named after it
/// (`invalid_argument` is `InvalidArgument`) and carrying it as `code`, so a
/// code the core adds is a class here with no line of this file.
pub fn add_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let base = py.get_type::<ChatlifeError>();
    module.add("ChatlifeError", &base)?;
    let by_code = PyDict::new(py);
    let mut classes = Vec::with_capacity(ERROR_CODES.len());
    for code in ERROR_CODES {
        let name: String = code.split('_').map(|word| word[..1].to_uppercase() + &word[1..]).collect();
        let qualified = std::ffi::CString::new(format!("chatlife.{name}"))?;
        let class = PyErr::new_type(py, &qualified, None, Some(&base), None)?.into_bound(py);
        class.setattr("code", code)?;
        module.add(&*name, &class)?;
        by_code.set_item(code, &class)?;
        classes.push(class.unbind());
    }
    CLASSES.set(py, classes).map_err(|_| PyRuntimeError::new_err("chatlife._native was initialised twice"))?;
    module.add("ERROR_CLASSES", crate::convert::read_only(&by_code)?)
}

/// The Python exception for a core error, as an instance (not raised), with
/// `.code` and `.message` set on it.
pub fn exception<'py>(py: Python<'py>, error: &chatlife::Error) -> Bound<'py, PyAny> {
    let build = || -> PyResult<Bound<'py, PyAny>> {
        let instance = class_of(py, error.code_index()).call1((error.message(),))?;
        instance.setattr("code", error.code())?;
        instance.setattr("message", error.message())?;
        Ok(instance)
    };
    // Building an exception only fails when the interpreter is out of memory;
    // the error of that failure is the best thing left to hand back.
    build().unwrap_or_else(|e| e.into_value(py).into_bound(py).into_any())
}

/// A core error as a `PyErr` ready to raise.
pub fn to_py_err(py: Python<'_>, error: &chatlife::Error) -> PyErr {
    PyErr::from_value(exception(py, error))
}

/// Shorthand for the common case of a bad argument found while converting.
pub fn invalid_argument(py: Python<'_>, message: String) -> PyErr {
    to_py_err(py, &chatlife::Error::InvalidArgument(message))
}

/// The text a panic carried, for the `RuntimeError` that replaces it.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

/// The error raised in place of a panic: a bug in chatlife, never the caller's.
pub fn internal_error(payload: &(dyn std::any::Any + Send)) -> PyErr {
    PyRuntimeError::new_err(format!("chatlife internal error (a bug; please report it): {}", panic_text(payload)))
}

/// Runs `work`, turning a panic into `RuntimeError` instead of `PanicException`.
pub fn guard<T>(work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(internal_error(&*payload)))
}
