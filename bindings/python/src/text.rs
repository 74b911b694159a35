//! The text of Python `str` arguments, gathered into one buffer per call or
//! batch instead of a `String` per string.
//!
//! The abi3-py39 build cannot borrow a `str`'s UTF-8 (`PyUnicode_AsUTF8AndSize`
//! joined the stable ABI in 3.10): each string is encoded to a short-lived
//! `bytes` object and copied from there.

use std::cell::Cell;
use std::ops::Range;

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Where one string's text lies in a [`Texts`].
pub type Span = Range<usize>;

/// A buffer grown past this by a large batch is not kept for the next call.
const KEPT_CAPACITY: usize = 1 << 16;

thread_local! {
    /// The buffer of the last call on this thread, reused so a call allocates
    /// nothing for its strings once the thread has made one.
    static SPARE: Cell<String> = const { Cell::new(String::new()) };
}

/// The UTF-8 text of many Python strings, one after the other.
pub struct Texts {
    buf: String,
}

impl Texts {
    /// An empty buffer, reusing this thread's spare one.
    pub fn new() -> Texts {
        let mut buf = SPARE.with(Cell::take);
        buf.clear();
        Texts { buf }
    }

    pub fn get(&self, span: &Span) -> &str {
        &self.buf[span.clone()]
    }

    /// Everything pushed after this point can be dropped with `truncate`.
    pub fn mark(&self) -> usize {
        self.buf.len()
    }

    pub fn truncate(&mut self, mark: usize) {
        self.buf.truncate(mark);
    }

    /// Appends the text of `value` if it is a `str` (or a subclass, such as the
    /// vocabulary enums) holding valid Unicode. `None` for anything else, with
    /// nothing appended: the caller then takes the path that explains why.
    pub fn push(&mut self, value: &Bound<'_, PyAny>) -> Option<Span> {
        // A lone surrogate fails to encode; that error is not the caller's.
        let bytes = value.cast::<PyString>().ok()?.encode_utf8().ok()?;
        // SAFETY: the bytes come from CPython's strict UTF-8 encoder, which
        // only produces valid UTF-8 (and fails on what it cannot encode).
        let text = unsafe { std::str::from_utf8_unchecked(bytes.as_bytes()) };
        let start = self.buf.len();
        self.buf.push_str(text);
        Some(start..self.buf.len())
    }

    /// Like [`Texts::push`], with `None` read as absent: an optional field.
    /// The outer `None` means neither `None` nor text.
    pub fn push_optional(&mut self, value: Option<&Bound<'_, PyAny>>) -> Option<Option<Span>> {
        match value {
            None => Some(None),
            Some(value) if value.is_none() => Some(None),
            Some(value) => self.push(value).map(Some),
        }
    }
}

impl Drop for Texts {
    fn drop(&mut self) {
        if self.buf.capacity() <= KEPT_CAPACITY {
            SPARE.with(|spare| spare.set(std::mem::take(&mut self.buf)));
        }
    }
}
