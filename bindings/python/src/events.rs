//! Events as immutable Python objects: one class per event type of docs/rules.md §10,
//! all subclasses of `Event`, so `isinstance` (or `.type`) tells them apart and
//! type checkers see each type's fields. Field values are read from the
//! event's canonical JSON form, so they can never disagree with `to_json()`;
//! that form is built on the first field read, not when the event is polled,
//! since hosts often look only at `.type` and `.conversation`.

use std::sync::OnceLock;

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use pyo3::PyClassInitializer;
use serde_json::{Map, Value};

use crate::convert::to_python;
use crate::errors::guard;
use crate::vocab::{member, Kind};

/// One thing that happened (docs/rules.md §10). Every event has `at`, `type` and
/// `conversation`; the subclass of each type adds its own fields.
#[pyclass(name = "Event", subclass, frozen, module = "chatlife")]
pub struct PyEvent {
    inner: chatlife::Event,
    /// The canonical form, `at`/`type`/`conversation` first, in the order of docs/rules.md §10.
    canonical: OnceLock<Map<String, Value>>,
}

impl PyEvent {
    fn fields(&self) -> &Map<String, Value> {
        self.canonical.get_or_init(|| match self.inner.to_value() {
            Value::Object(fields) => fields,
            _ => Map::new(),
        })
    }
}

/// The type names as interned strings, made once: hosts read `.type` of
/// every event, and a new string per read cost more than the rest of the read.
static TYPE_NAMES: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();

/// Fields whose value is a secret (R-RC7): shown by `to_json()` and the
/// attributes, which the host needs, but never by `repr()`, which ends up in logs.
fn is_secret(event_type: &str, key: &str) -> bool {
    event_type == "reconnect_link_issued" && matches!(key, "url" | "token")
}

fn field<'py>(event: &Bound<'py, PyEvent>, key: &str, kind: Option<Kind>) -> PyResult<Bound<'py, PyAny>> {
    let py = event.py();
    let Some(value) = event.get().fields().get(key) else {
        return Err(PyAttributeError::new_err(format!(
            "{} events have no field {key:?}",
            event.get().inner.kind.type_name()
        )));
    };
    let plain = to_python(py, value, true)?;
    match kind {
        Some(kind) => member(py, kind, plain),
        None => Ok(plain),
    }
}

#[pymethods]
impl PyEvent {
    /// Milliseconds: the deadline for a timer event, the command's `now` otherwise (T4).
    #[getter]
    fn at(&self) -> u64 {
        self.inner.at
    }

    /// The snake_case type of docs/rules.md §10, e.g. `"state_changed"`.
    #[getter]
    #[pyo3(name = "type")]
    fn event_type<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        let names = TYPE_NAMES
            .get_or_init(py, || chatlife::EVENT_TYPES.iter().map(|name| PyString::intern(py, name).unbind()).collect());
        match names.get(self.inner.kind.type_index()) {
            Some(name) => name.bind(py).clone(),
            None => PyString::new(py, self.inner.kind.type_name()),
        }
    }

    /// The conversation id; `None` for `capacity_changed`, `no_reconnect_offer`
    /// and a `reconnect_refused` that must not say which one a token named (R-RC10).
    #[getter]
    fn conversation(&self) -> Option<&str> {
        self.inner.conversation.as_deref()
    }

    /// The canonical form as a new `dict` of plain JSON values, keys in canonical order.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_python(py, &Value::Object(self.fields().clone()), false))
    }

    /// The canonical JSON line of docs/rules.md §10 (no trailing newline).
    fn to_json(&self) -> PyResult<String> {
        guard(|| Ok(self.inner.to_json()))
    }

    fn __eq__(&self, other: &Bound<'_, PyEvent>) -> bool {
        self.inner == other.get().inner
    }

    fn __hash__(&self) -> PyResult<isize> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.to_json()?.hash(&mut hasher);
        // Python reserves -1 for errors; the cast only folds the hash's width.
        Ok((hasher.finish() >> 1) as isize)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let event = slf.get();
        let event_type = event.inner.kind.type_name();
        let fields = guard(|| Ok(event.fields()))?;
        let mut parts = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            if key == "type" {
                continue;
            }
            let shown = if is_secret(event_type, key) {
                "<redacted>".to_owned()
            } else {
                to_python(py, value, true)?.repr()?.to_string()
            };
            // The Python attribute of a JSON key: `from` is a keyword.
            parts.push(format!("{}={shown}", if key == "from" { "from_" } else { key }));
        }
        let class = slf.get_type().name()?;
        Ok(format!("{class}({})", parts.join(", ")))
    }
}

macro_rules! event_classes {
    ($(
        $(#[doc = $doc:literal])*
        $class:ident = $type_name:literal { $( $getter:ident $(= $key:literal)? $(: $kind:ident)? ),* $(,)? }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[pyclass(extends = PyEvent, frozen, module = "chatlife")]
            pub struct $class;

            #[pymethods]
            impl $class {
                $(
                    #[getter]
                    fn $getter<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
                        guard(|| field(slf.as_super(), event_classes!(@key $getter $($key)?), event_classes!(@kind $($kind)?)))
                    }
                )*
            }
        )*

        /// The Python object of a core event: an instance of its type's class.
        pub fn wrap(py: Python<'_>, inner: chatlife::Event) -> PyResult<Bound<'_, PyAny>> {
            let event = PyEvent { inner, canonical: OnceLock::new() };
            let object = match event.inner.kind.type_name() {
                $( $type_name => Bound::new(py, PyClassInitializer::from(event).add_subclass($class))?.into_any(), )*
                // A type this build does not know yet still has `.type`, `to_dict()` and `to_json()`.
                _ => Bound::new(py, event)?.into_any(),
            };
            // SAFETY: `object` is a live instance of one of the classes above,
            // just made, with the GIL held. It holds no Python object but its
            // type, so it can never be part of a reference cycle; untracking it
            // (as CPython does for tuples of atomic values) spares every
            // collection from visiting each of the many events a host keeps.
            // Its `tp_dealloc` untracks it again, which CPython allows.
            unsafe { pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast()) };
            Ok(object)
        }

        /// Adds `Event`, every subclass and `EVENT_CLASSES` (type name to class).
        pub fn add_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = module.py();
            module.add_class::<PyEvent>()?;
            let by_type = PyDict::new(py);
            $(
                module.add_class::<$class>()?;
                by_type.set_item(PyString::new(py, $type_name), py.get_type::<$class>())?;
            )*
            module.add("EVENT_CLASSES", crate::convert::read_only(&by_type)?)?;
            Ok(())
        }
    };
    (@key $getter:ident) => { stringify!($getter) };
    (@key $getter:ident $key:literal) => { $key };
    (@kind) => { None };
    (@kind $kind:ident) => { Some(Kind::$kind) };
}

event_classes! {
    /// The customer started a chat.
    ConversationStarted = "conversation_started" { policy, customer }
    /// The conversation moved between states (S2).
    StateChanged = "state_changed" { from_ = "from": State, to: State, reason: Reason }
    ParticipantJoined = "participant_joined" { participant, role: Role }
    ParticipantLeft = "participant_left" { participant, role: Role, reason: LeftReason }
    /// A participant's idle timer ran out (R-T7); a notice, not a transcript entry.
    ParticipantIdle = "participant_idle" { participant, role: Role, transcript }
    /// An idle participant wrote again (R-T6).
    ParticipantReturned = "participant_returned" { participant, role: Role, transcript }
    /// An auto-disconnect timer ran out and removed everyone but the customer (R-T8).
    AutoDisconnected = "auto_disconnected" { participant, role: Role, disconnected, transcript }
    RoutedToDisconnectFlow = "routed_to_disconnect_flow" {}
    BotDisconnectedBranch = "bot_disconnected_branch" { participant }
    ConnectionLost = "connection_lost" { participant, role: Role }
    ConnectionRestored = "connection_restored" { participant, role: Role }
    /// The customer's grace period ran out (R-D3).
    CustomerDisconnected = "customer_disconnected" { participant }
    /// An automated message written to the transcript (R-M1).
    TranscriptMessage = "transcript_message" { key, text, visible_to: VisibleTo }
    /// The whole stored timer configuration after a change (R-T4).
    TimerConfigStored = "timer_config_stored" { timers }
    /// A reconnect link; `url` and `token` are secrets (R-RC7) and `repr()` hides them.
    ReconnectLinkIssued = "reconnect_link_issued" { url, token }
    ReconnectOffered = "reconnect_offered" { customer }
    NoReconnectOffer = "no_reconnect_offer" { redirect_url }
    CustomerReconnected = "customer_reconnected" { participant, method: ReconnectMethod, same_agent }
    ReconnectRefused = "reconnect_refused" { reason: RefusedReason, redirect_url, start_new }
    ReconnectWindowExpired = "reconnect_window_expired" { redirect_url }
    /// An agent's used capacity changed (C5); has no conversation.
    CapacityChanged = "capacity_changed" { agent, used, capacity }
    /// A timer that ends something runs out at `deadline` (§12); a notice,
    /// not a transcript entry. `participant` is `None` for the conversation's timers.
    ExpiryWarning = "expiry_warning" { timer: Warned, participant, deadline, transcript }
    /// Nobody wrote for the inactivity period since `since` (I2).
    ConversationInactive = "conversation_inactive" { since }
    /// The conversation went on hold or came off it (H1, H2, H4).
    HoldChanged = "hold_changed" { on_hold, reason: HoldReason }
}
