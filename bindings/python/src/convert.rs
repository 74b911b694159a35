//! Python values to and from the JSON values the core parses and emits. The
//! core does every check; this module only moves data, and when a Python value
//! has no JSON form it says where (`request.ChannelConfiguration: ...`).

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use chatlife::MAX_TIME;

use crate::errors::{invalid_argument, to_py_err};

/// Deepest nesting accepted, as serde_json allows when it parses text; it also
/// stops a dict that contains itself.
const MAX_DEPTH: usize = 128;

/// A Python value that has no JSON form: where it is and what is wrong.
pub struct NotJson {
    pub path: String,
    pub problem: String,
}

impl NotJson {
    /// `path: problem`, the shape of every core message.
    pub fn message(&self) -> String {
        format!("{}: {}", self.path, self.problem)
    }
}

impl From<NotJson> for chatlife::Error {
    fn from(bad: NotJson) -> chatlife::Error {
        chatlife::Error::InvalidArgument(bad.message())
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// The text of a Python `str` (or `str` subclass such as the vocabulary enums).
pub fn text(value: &Bound<'_, PyString>, path: &str) -> Result<String, NotJson> {
    value
        .to_cow()
        .map(|text| text.into_owned())
        .map_err(|_| NotJson { path: path.to_owned(), problem: chatlife::LONE_SURROGATE.into() })
}

/// Converts `value` (found at `path`) to JSON.
pub fn to_json(value: &Bound<'_, PyAny>, path: &str) -> Result<Value, NotJson> {
    to_json_at(value, path, 0)
}

fn to_json_at(value: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, NotJson> {
    let fail = |problem: String| NotJson { path: path.to_owned(), problem };
    if depth > MAX_DEPTH {
        return Err(fail(format!("is nested more than {MAX_DEPTH} levels deep")));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return text(s, path).map(Value::String);
    }
    if value.cast::<PyInt>().is_ok() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        // Larger integers become floats, exactly as serde_json reads them from
        // JSON text, so the core answers as it would for a scenario file.
        return value
            .extract::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| fail("is an integer too large for JSON".into()));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| fail(format!("{} is not a JSON number", f.value())));
    }
    if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        let iter = value.try_iter().map_err(|_| fail("cannot be iterated".into()))?;
        for (i, item) in iter.enumerate() {
            let item = item.map_err(|e| fail(format!("cannot be iterated: {e}")))?;
            items.push(to_json_at(&item, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let items = mapping.items().map_err(|e| fail(format!("cannot list its items: {e}")))?;
        let mut map = Map::new();
        for pair in items.iter() {
            let (key, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                pair.extract().map_err(|e| fail(format!("cannot list its items: {e}")))?;
            let not_text = |_| fail(format!("has a key of type {}; JSON object keys are strings", type_name(&key)));
            let key = text(key.cast::<PyString>().map_err(not_text)?, path)?;
            let item = to_json_at(&item, &join(path, &key), depth + 1)?;
            map.insert(key, item);
        }
        return Ok(Value::Object(map));
    }
    Err(fail(format!(
        "a value of type {} has no JSON form; use str, int, float, bool, None, list, tuple or dict",
        type_name(value)
    )))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A JSON value as plain Python data: `dict`, `list`, `str`, `int`, `float`,
/// `bool`, `None`. Arrays become tuples when `arrays_as_tuples`, for the
/// attributes of immutable events.
pub fn to_python<'py>(py: Python<'py>, value: &Value, arrays_as_tuples: bool) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_u64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let items = items.iter().map(|v| to_python(py, v, arrays_as_tuples)).collect::<PyResult<Vec<_>>>()?;
            if arrays_as_tuples {
                PyTuple::new(py, items)?.into_any()
            } else {
                PyList::new(py, items)?.into_any()
            }
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v, arrays_as_tuples)?)?;
            }
            dict.into_any()
        }
    })
}

/// Reads a `now` argument: an `int` of milliseconds. Values above `u64` are
/// reported as the core reports any time above `MAX_TIME` (`limit_exceeded`).
pub fn millis(value: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    let py = value.py();
    if value.cast::<PyBool>().is_ok() || value.cast::<PyInt>().is_err() {
        return Err(invalid_argument(py, format!("{field}: must be an int of milliseconds, not {}", type_name(value))));
    }
    match value.extract::<u64>() {
        Ok(ms) => Ok(ms),
        Err(e) if e.is_instance_of::<PyOverflowError>(py) => {
            if value.lt(0).unwrap_or(false) {
                Err(invalid_argument(
                    py,
                    format!("{field}: {value} is negative; time is milliseconds since the host's epoch"),
                ))
            } else {
                Err(to_py_err(py, &chatlife::Error::LimitExceeded(format!("{field}: {value} is above {MAX_TIME}"))))
            }
        }
        Err(e) => Err(invalid_argument(py, format!("{field}: {e}"))),
    }
}

/// A read-only view of `dict`, for the module's lookup tables.
pub fn read_only<'py>(dict: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    dict.py().import("types")?.getattr("MappingProxyType")?.call1((dict,))
}
