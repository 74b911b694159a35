//! `require('chatlife')`: the Node addon over the chatlife core.
//!
//! The layer is thin on purpose: it turns arguments into the core's
//! `Command` and hands it to `Engine::apply`. Arguments of the plain types
//! (string ids, a whole number `now`) become the command as they are.
//! Anything else becomes the JSON the core already parses for scenario files
//! (`{"op": ..., fields}`), so a JavaScript caller gets the same validation,
//! the same codes and the same messages as `chatlife run`: every refusal of a
//! malformed argument comes from that JSON path, never from a fast path.
//! Batches cross as JSON text too, both ways: commands as `JSON.stringify`
//! writes them, for the core's parser (see `batch`), and events
//! as their canonical lines, made into plain objects by one `JSON.parse`, so
//! their keys are in docs/rules.md §10 order and `JSON.stringify(event)` is the
//! canonical line. A refusal is thrown as an `Error` whose `.code` is the
//! docs/rules.md E1 code.
//!
//! Every exported function carries `catch_unwind`: a panic in the core becomes
//! a thrown `Error` instead of aborting the Node process.

use chatlife::scenario::Scenario;
use chatlife::{parse_at, Command, CommandSpec, Need};
use napi::bindgen_prelude::{Env, Uint8Array, Uint8ArraySlice, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;
use serde_json::{json, Map, Value};

mod json;
mod read;

use read::MAX_SAFE_INTEGER;

/// The `.code` of a thrown error: one of `chatlife::ERROR_CODES`.
/// napi puts an error's status string into the JavaScript `code` property,
/// so the status type is the error code (docs/rules.md E1) itself.
#[derive(Debug, Clone, Copy)]
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

type Thrown = napi::Error<Code>;

fn thrown(error: chatlife::Error) -> Thrown {
    Thrown::new(Code(error.code()), error.message())
}

fn invalid_argument(message: String) -> Thrown {
    thrown(chatlife::Error::InvalidArgument(message))
}

/// A napi call on a value the caller handed us failed (a getter threw, the
/// value was revoked, ...). It is still bad input, named by its field.
fn unreadable(field: &str) -> impl Fn(napi::Error) -> Thrown + Copy + '_ {
    move |e| invalid_argument(format!("{field}: cannot be read: {}", e.reason))
}

/// A JavaScript value as JSON, `None` for `undefined` (an absent field).
/// Objects and arrays go through `JSON.stringify`, so hosts get the JSON
/// semantics they know (`toJSON`, `undefined` members dropped) and integers
/// stay integers: napi's own conversion turns every integer above 2^32 into
/// a float, which the core would refuse for a `seed` or a `now`.
fn to_json(env: &Env, field: &str, value: Unknown<'_>) -> Result<Option<Value>, Thrown> {
    let read = unreadable(field);
    match value.get_type().map_err(read)? {
        ValueType::Undefined => Ok(None),
        ValueType::Null => Ok(Some(Value::Null)),
        ValueType::Boolean => Ok(Some(Value::Bool(value.coerce_to_bool().map_err(read)?))),
        ValueType::String => text(field, value).map(|text| Some(Value::String(text))),
        ValueType::Number => {
            // SAFETY: the value's type was just checked to be a number.
            let n: f64 = unsafe { value.cast() }.map_err(read)?;
            number(field, n).map(Some)
        }
        ValueType::Object => {
            let mut text = String::new();
            if !json::stringify(env, field, value, &mut text)? {
                return Ok(None);
            }
            serde_json::from_str(&text).map(Some).map_err(|e| invalid_argument(format!("{field}: not JSON: {e}")))
        }
        other => Err(invalid_argument(format!("{field}: a {} is not a JSON value", type_name(other)))),
    }
}

/// A napi call on values this addon made failed; nothing better to say.
fn js_failed(e: napi::Error) -> Thrown {
    Thrown::new(Code("invalid_argument"), e.reason)
}

/// `typeof`'s word for a type (napi writes them capitalised).
fn type_name(t: ValueType) -> String {
    t.to_string().to_lowercase()
}

/// A JavaScript number as JSON: whole numbers up to 2^53 as integers (what
/// they mean in JavaScript), anything else as a float.
fn number(field: &str, n: f64) -> Result<Value, Thrown> {
    if !n.is_finite() {
        return Err(invalid_argument(format!("{field}: {n} is not a finite number")));
    }
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
        // Exact: |n| <= 2^53 - 1 converts to i64 without rounding.
        return Ok(Value::from(n as i64));
    }
    Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
}

/// The `now` of a command: a whole, non-negative number of milliseconds.
/// Above the core's limit it is handed on, for the core to refuse with
/// `limit_exceeded` as every other binding does.
fn millis(value: Unknown<'_>) -> Result<u64, Thrown> {
    let kind = value.get_type().map_err(unreadable("now"))?;
    if kind != ValueType::Number {
        return Err(invalid_argument(format!("now: must be a number of milliseconds, not a {}", type_name(kind))));
    }
    // SAFETY: the value's type was just checked to be a number.
    let n: f64 = unsafe { value.cast() }.map_err(unreadable("now"))?;
    chatlife::now_from_number(n).map_err(thrown)
}

const IDS: usize = 8;
/// Buffers the calls fill again and again, kept to reuse their allocations.
#[derive(Default)]
struct Scratch {
    /// String arguments of the fast paths, one per field (`IDS`: checked against the table).
    ids: [String; IDS],
    /// A batch's text: the ids of a `messages` call, one after the other, or
    /// an `applyMany` call's JSON (a buffer already large enough takes it in
    /// one read, where a new one asks its length first).
    batch_text: String,
    /// JSON text going out.
    text: Vec<u8>,
    /// The nulls every batch's results are sliced from.
    nulls: json::Nulls,
}

impl Scratch {
    /// Lets go of what one huge batch made the buffers grow to.
    fn trim(&mut self) {
        self.batch_text.clear();
        self.batch_text.shrink_to(KEPT_BYTES);
        self.text.clear();
        self.text.shrink_to(KEPT_BYTES);
    }
}

/// Bytes a buffer keeps between calls.
const KEPT_BYTES: usize = 1 << 20;

/// Most JSON text one `JSON.parse` of events takes: V8's longest string is
/// 2^29 - 24 characters, and an engine of millions of conversations can hold
/// more events than that.
const EVENTS_TEXT_BYTES: usize = 1 << 25;

/// `now` and `N` arguments read for a fast path, into `bufs`: each a
/// string, or `None` for `undefined`, `null` or an argument not given.
/// `None` for anything else sends the call down the JSON path.
pub(crate) fn fast_args<'s, const N: usize>(
    env: &Env,
    now: Unknown<'_>,
    values: [Option<Unknown<'_>>; N],
    bufs: &'s mut [String; N],
) -> Option<(u64, [Option<&'s str>; N])> {
    let env = env.raw();
    let now = read::millis(env, now.raw())?;
    let mut args = [None; N];
    for ((buf, value), arg) in bufs.iter_mut().zip(values).zip(&mut args) {
        let Some(value) = value else { continue };
        if read::string(env, value.raw(), buf) {
            let buf: &'s String = buf;
            *arg = Some(buf.as_str());
        } else if !read::absent(env, value.raw()) {
            return None;
        }
    }
    Some((now, args))
}

/// A JavaScript string argument. napi reads a string as UTF-8 only, so one
/// that is no Unicode text (a lone surrogate) is all `read::string` refuses.
fn text(field: &str, value: Unknown<'_>) -> Result<String, Thrown> {
    let kind = value.get_type().map_err(unreadable(field))?;
    if kind != ValueType::String {
        return Err(invalid_argument(format!("{field}: must be a string, not a {}", type_name(kind))));
    }
    let mut text = String::new();
    if !read::string(value.value().env, value.raw(), &mut text) {
        return Err(invalid_argument(format!("{field}: {}", chatlife::LONE_SURROGATE)));
    }
    Ok(text)
}

/// Bytes the core reads back (a snapshot, an exported conversation): a
/// `Uint8Array` (a `Buffer` is one) or the same JSON as a string.
fn bytes(field: &str, value: Unknown<'_>) -> Result<Vec<u8>, Thrown> {
    let kind = value.get_type().map_err(unreadable(field))?;
    let wrong = || invalid_argument(format!("{field}: must be a Uint8Array or a string, not a {}", type_name(kind)));
    match kind {
        ValueType::String => text(field, value).map(String::into_bytes),
        ValueType::Object if value.is_typedarray().map_err(unreadable(field))? => {
            // SAFETY: the value is a typed array; the conversion itself refuses
            // any element type other than u8.
            let slice: Uint8ArraySlice = unsafe { value.cast() }.map_err(|_| wrong())?;
            Ok(slice.to_vec())
        }
        _ => Err(wrong()),
    }
}

/// The chat lifecycle engine. Every command takes `now` (milliseconds, never
/// going back) first; drain `pollEvents()` after each call and sleep until
/// `nextDeadline()`.
#[napi]
pub struct Engine {
    engine: chatlife::Engine,
    scratch: Scratch,
    /// Events on their way to JavaScript, kept to reuse the allocation.
    events: Vec<chatlife::Event>,
}

impl Engine {
    fn wrapping(engine: chatlife::Engine) -> Engine {
        Engine { engine, scratch: Scratch::default(), events: Vec::new() }
    }
}

/// Builds `{"op": op, ...fields}` and applies it. Fields left `undefined`
/// (or `None`) are absent, as in a scenario file; `options` adds optional
/// fields and may not repeat a positional one.
pub(crate) fn apply_fields(
    engine: &mut chatlife::Engine,
    env: &Env,
    now: Unknown<'_>,
    op: &str,
    fields: Vec<(&str, Option<Unknown<'_>>)>,
    options: Option<(&str, Unknown<'_>)>,
) -> Result<(), Thrown> {
    let now = millis(now)?;
    let mut map = Map::new();
    map.insert("op".into(), Value::from(op));
    for (name, value) in fields {
        if let Some(json) = value.map(|value| to_json(env, name, value)).transpose()?.flatten() {
            map.insert(name.into(), json);
        }
    }
    // The object argument: `undefined` or `null` is none.
    if let Some((name, value)) = options {
        let options = match to_json(env, name, value)? {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map,
            Some(other) => return Err(invalid_argument(format!("{name}: must be an object, not {other}"))),
        };
        for (key, json) in options {
            if map.contains_key(&key) {
                return Err(invalid_argument(format!("{name}.{key}: given as an argument already")));
            }
            map.insert(key, json);
        }
    }
    let command = Command::from_value(Value::Object(map)).map_err(thrown)?;
    engine.apply(now, &command).map_err(thrown)
}

#[napi]
impl Engine {
    /// A new engine at time 0. `config` is the docs/rules.md §8 configuration as an
    /// object or as JSON text (text keeps integers above 2^53 exact, e.g. a
    /// large `seed`); omitted, it is `{}`.
    #[napi(constructor, catch_unwind, ts_args_type = "config?: Config | string")]
    pub fn new(env: Env, config: Unknown<'_>) -> napi::Result<Self, Code> {
        // Whatever is wrong with the argument, it is a configuration problem.
        let unusable = |e: Thrown| Thrown::new(Code("invalid_config"), e.reason);
        let config = match config.get_type().map_err(unreadable("config")).map_err(unusable)? {
            ValueType::String => chatlife::Config::from_json(&text("config", config)?),
            _ => match to_json(&env, "config", config).map_err(unusable)? {
                None => Ok(chatlife::Config::default()),
                Some(value) => chatlife::Config::from_value(value),
            },
        }
        .map_err(thrown)?;
        let engine = chatlife::Engine::new(config).map_err(thrown)?;
        Ok(Engine::wrapping(engine))
    }

    /// The engine's clock: the `now` of the last accepted call.
    #[napi(getter, catch_unwind)]
    pub fn now(&self) -> f64 {
        self.engine.now() as f64
    }

    /// The earliest pending timer deadline (docs/rules.md T5), or `null`.
    #[napi(catch_unwind)]
    pub fn next_deadline(&mut self) -> Option<f64> {
        self.engine.next_deadline().map(|d| d as f64)
    }

    /// Every event not yet taken, oldest first, as plain objects with their
    /// keys in docs/rules.md §10 order.
    #[napi(catch_unwind, ts_return_type = "Event[]")]
    pub fn poll_events<'env>(&mut self, env: &'env Env) -> napi::Result<Unknown<'env>, Code> {
        if self.engine.pending_events() == 0 {
            return env.create_array(0).map(|list| list.to_unknown()).map_err(js_failed);
        }
        self.events.clear();
        self.engine.drain_events(&mut self.events);
        let lists = self.events_as_js(env).map_err(js_failed);
        self.events.clear();
        self.events.shrink_to(KEPT_BYTES / std::mem::size_of::<chatlife::Event>());
        self.scratch.trim();
        json::concat(lists?).map_err(js_failed)
    }

    /// The state of a conversation the engine knows, or `null`.
    #[napi(catch_unwind, ts_args_type = "conversation: string", ts_return_type = "State | null")]
    pub fn state(&self, conversation: Unknown<'_>) -> napi::Result<Option<&'static str>, Code> {
        let conversation = text("conversation", conversation)?;
        Ok(self.engine.state(&conversation).map(|s| s.as_str()))
    }

    /// Everything the engine holds, as versioned JSON bytes. Take it after
    /// `pollEvents()`: events not yet taken are not part of it.
    #[napi(catch_unwind)]
    pub fn snapshot(&self) -> Uint8Array {
        Uint8Array::new(self.engine.snapshot())
    }

    /// Replaces this engine's whole state with a snapshot's; on error the
    /// engine is left as it was.
    #[napi(catch_unwind, ts_args_type = "snapshot: Uint8Array | string")]
    pub fn restore(&mut self, snapshot: Unknown<'_>) -> napi::Result<(), Code> {
        let snapshot = bytes("snapshot", snapshot)?;
        self.engine.restore(&snapshot).map_err(thrown)
    }

    /// A new engine continuing from a snapshot.
    #[napi(factory, catch_unwind, ts_args_type = "snapshot: Uint8Array | string")]
    pub fn from_snapshot(snapshot: Unknown<'_>) -> napi::Result<Self, Code> {
        let snapshot = bytes("snapshot", snapshot)?;
        let engine = chatlife::Engine::from_snapshot(&snapshot).map_err(thrown)?;
        Ok(Engine::wrapping(engine))
    }

    /// Moves a conversation out of this engine with the capacity it holds.
    /// Keep the bytes until `importConversation` on the target succeeded.
    #[napi(catch_unwind, ts_args_type = "now: number, conversation: string")]
    pub fn export_conversation(
        &mut self,
        now: Unknown<'_>,
        conversation: Unknown<'_>,
    ) -> napi::Result<Uint8Array, Code> {
        let now = millis(now)?;
        let conversation = text("conversation", conversation)?;
        self.engine.export_conversation(now, &conversation).map(Uint8Array::new).map_err(thrown)
    }

    /// Takes in a conversation exported by another engine whose configuration
    /// has a policy of the same name; its timers keep their deadlines.
    #[napi(catch_unwind, ts_args_type = "now: number, conversationBytes: Uint8Array | string")]
    pub fn import_conversation(&mut self, now: Unknown<'_>, conversation_bytes: Unknown<'_>) -> napi::Result<(), Code> {
        let now = millis(now)?;
        let conversation_bytes = bytes("conversation_bytes", conversation_bytes)?;
        self.engine.import_conversation(now, &conversation_bytes).map_err(thrown)
    }
}

// After the methods above, so that index.d.ts lists the commands and the batch calls after them.
mod batch;
mod commands;

/// Milliseconds in a duration string: `"500ms"`, `"90s"`, `"3m"`, `"1h30m"`.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn parse_duration(text_value: Unknown<'_>) -> napi::Result<f64, Code> {
    let duration = text("duration", text_value)?;
    chatlife::parse_duration(&duration).map(|ms| ms as f64).map_err(|m| invalid_argument(format!("duration: {m}")))
}

/// A scenario step's `at`: milliseconds, or a duration string from zero.
#[napi(js_name = "parseAt", catch_unwind, ts_args_type = "at: number | string")]
pub fn parse_step_at(env: Env, at: Unknown<'_>) -> napi::Result<f64, Code> {
    let at = to_json(&env, "at", at)?.unwrap_or(Value::Null);
    parse_at(&at).map(|ms| ms as f64).map_err(|m| invalid_argument(format!("at: {m}")))
}

/// A scenario file (docs/rules.md §11) checked by the core; `config` comes back as
/// JSON text so that integers above 2^53 (a large `seed`) stay exact.
#[napi(object)]
pub struct ScenarioFile {
    pub name: String,
    pub rules: Vec<String>,
    pub config: String,
    #[napi(ts_type = "ScenarioStep[]")]
    pub steps: Vec<Value>,
}

/// Parses and checks a scenario file's text with the core's rules; throws
/// what `chatlife run` reports for a file that breaks one.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn load_scenario(text_value: Unknown<'_>) -> napi::Result<ScenarioFile, Code> {
    let source = text("text", text_value)?;
    let scenario = Scenario::from_json(&source).map_err(thrown)?;
    // The core accepted the text, so it is an object with a `steps` array.
    let mut top = serde_json::from_str::<Value>(&source).unwrap_or_default();
    let steps = top.get_mut("steps").and_then(Value::as_array_mut).map(std::mem::take).unwrap_or_default();
    Ok(ScenarioFile { name: scenario.name, rules: scenario.rules, config: scenario.config_json.to_string(), steps })
}

/// Every event `type`, in docs/rules.md §10 order.
#[napi(catch_unwind, ts_return_type = "EventType[]")]
pub fn event_types() -> Vec<&'static str> {
    chatlife::EVENT_TYPES.to_vec()
}

/// Every error `.code`, in docs/rules.md E1 order.
#[napi(catch_unwind, ts_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<&'static str> {
    chatlife::ERROR_CODES.to_vec()
}

/// Every command of docs/rules.md §9 as its method takes it, for a caller
/// that turns JSON commands into calls (cli.js): its JSON `keys` in order, the
/// `required` ones, and whether it takes the optional ones in one last object
/// argument (`options`), as a command with more than one does.
#[napi(
    catch_unwind,
    ts_return_type = "Array<{ op: Command['op']; keys: string[]; required: string[]; options: boolean }>"
)]
pub fn commands() -> Vec<Value> {
    let keys =
        |spec: &CommandSpec, all| spec.fields.iter().filter(move |f| all || f.need != Need::Optional).map(|f| f.key);
    let command = |spec| {
        let (keys, required): (Vec<_>, Vec<_>) = (keys(spec, true).collect(), keys(spec, false).collect());
        json!({"op": spec.op, "options": keys.len() - required.len() > 1, "keys": keys, "required": required})
    };
    chatlife::COMMANDS.iter().map(command).collect()
}

/// The version of the chatlife core inside this addon.
#[napi]
pub const VERSION: &str = chatlife::VERSION;
