//! `chatlife._native`: the PyO3 module behind the `chatlife` Python package.
//! The package re-exports everything; users import `chatlife`, not this.

mod convert;
mod engine;
mod errors;
mod events;
mod read;
mod vocab;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{to_json, to_python};
use crate::errors::{guard, invalid_argument, to_py_err};

/// Reads a duration string of the configuration (`"90s"`, `"3m"`, `"1h30m"`,
/// `"500ms"`) as milliseconds (T6). Raises `InvalidArgument`.
#[pyfunction]
fn parse_duration(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<u64> {
    let text = match to_json(text, "duration") {
        Ok(serde_json::Value::String(text)) => text,
        Ok(_) => return Err(invalid_argument(py, "duration: must be a str like \"90s\"".into())),
        Err(bad) => return Err(invalid_argument(py, bad.message())),
    };
    guard(|| chatlife::parse_duration(&text).map_err(|m| invalid_argument(py, format!("duration: {m}"))))
}

/// Reads the `at` of a scenario step: an `int` of milliseconds or a duration
/// string from zero (SC1). Raises `InvalidArgument`.
#[pyfunction]
fn parse_at(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let value = to_json(value, "at").map_err(|bad| invalid_argument(py, bad.message()))?;
    guard(|| chatlife::parse_at(&value).map_err(|m| invalid_argument(py, format!("at: {m}"))))
}

/// Parses a scenario file's text (docs/rules.md §11) exactly as `chatlife run` does and
/// returns it as Python data. A file that breaks a rule raises the error the
/// reference runner reports, naming the JSON path.
#[pyfunction]
fn load_scenario<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        chatlife::scenario::Scenario::from_json(text).map_err(|e| to_py_err(py, &e))?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid_argument(py, format!("file: not valid JSON: {e}")))?;
        to_python(py, &value, false)
    })
}

/// Raises the error a Rust panic becomes, so tests can prove no
/// `PanicException` escapes.
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guard(|| panic!("deliberate panic from chatlife._native._panic_for_tests"))
}

#[pymodule(name = "_native")]
mod native {
    #[pymodule_export]
    use super::{load_scenario, parse_at, parse_duration};
    #[pymodule_export]
    use crate::engine::Engine;

    use super::*;

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = module.py();
        module.add("__version__", chatlife::VERSION)?;
        module.add("ERROR_CODES", PyTuple::new(py, chatlife::ERROR_CODES)?)?;
        module.add("EVENT_TYPES", PyTuple::new(py, chatlife::EVENT_TYPES)?)?;
        module.add("OPS", PyTuple::new(py, chatlife::OPS)?)?;
        module.add("MAX_TIME", chatlife::MAX_TIME)?;
        crate::errors::add_classes(module)?;
        crate::vocab::add_enums(module)?;
        crate::events::add_classes(module)?;
        // Set, not added: a test hook stays out of `__all__` and `import *`.
        module.setattr("_panic_for_tests", wrap_pyfunction!(super::_panic_for_tests, module)?)?;
        Ok(())
    }
}
