//! The batch calls, `applyMany` and `messages`, and their results: many
//! commands in one napi call, applied by the core in its prefetch windows
//! (`Engine::apply_in_windows`), one result per command.
//!
//! `applyMany` hands the text `JSON.stringify` writes for the whole batch to
//! the core's parser (`TimedCommand::parse_batch`, ids borrowed from the
//! text), so a batch command is read, checked and refused exactly as a
//! scenario step is. Only when the batch has no JSON text (a getter throws, a
//! `BigInt`, a cycle) is each element written on its own, and the one that
//! fails refused in its slot.

use std::ops::Range;

use chatlife::{Command, Text, TimedCommand};
use napi::bindgen_prelude::{Array, Env, JsObjectValue, Unknown};
use napi::{sys, JsError, JsValue};
use napi_derive::napi;

use crate::{apply_fields, invalid_argument, js_failed, json, millis, read, thrown, type_name, unreadable};
use crate::{Code, Engine, Thrown, EVENTS_TEXT_BYTES};

/// Most elements one batch call takes. JavaScript arrays can be far longer
/// than what they hold (`new Array(2 ** 32 - 1)`), and each refusal is an
/// `Error` of about 800 bytes: a million refused commands take about a
/// gigabyte and seconds, far more would exhaust the heap.
const MAX_BATCH: usize = 1 << 20;

/// The refusals of a batch, by slot; every other slot was accepted.
type Refused = Vec<(u32, Thrown)>;

#[napi]
impl Engine {
    /// Applies `{at, op, ...fields}` commands in order (`at`: milliseconds or
    /// a duration string), as if each were the call of its method. One result
    /// per command: `null` when accepted, the `Error` it would have thrown
    /// when refused. Nothing stops the batch: neither a refusal nor a command
    /// that does not parse, whose `invalid_argument` names it
    /// (`commands[3].at: missing`). At most 2^20 commands a call.
    #[napi(catch_unwind, ts_args_type = "commands: TimedCommand[]", ts_return_type = "Array<ChatlifeError | null>")]
    pub fn apply_many<'env>(&mut self, env: &'env Env, commands: Unknown<'_>) -> napi::Result<Unknown<'env>, Code> {
        let is_array = commands.is_array().map_err(unreadable("commands"))?;
        let list = if is_array { Some(batch_array(commands, "commands")?) } else { None };
        let mut text = std::mem::take(&mut self.scratch.batch_text);
        let written = json::stringify(env, "commands", commands, &mut text);
        let parsed = match written {
            Ok(true) => TimedCommand::parse_batch(&text).ok(),
            _ => None,
        };
        let (count, refused) = match (parsed, &list) {
            (Some(items), _) => {
                check_length(items.len(), "commands")?;
                (items.len(), self.apply_parsed(&items))
            }
            (None, Some(list)) => (list.len() as usize, self.apply_elements(env, list)),
            (None, None) => {
                let not = match written {
                    Ok(true) => text,
                    Ok(false) => "undefined".into(),
                    Err(e) => return Err(e),
                };
                return Err(invalid_argument(format!("commands: must be an array of commands, not {not}")));
            }
        };
        self.scratch.batch_text = text;
        self.outcomes(env, count, refused)
    }

    /// `message(now, conversations[i], participants[i])` for each `i`, in
    /// order: the commonest batch, with no object to build per message. One
    /// result per message, as from `applyMany`; a `now` that is no time
    /// throws, as from `message`. At most 2^20 messages a call.
    #[napi(
        catch_unwind,
        ts_args_type = "now: number, conversations: string[], participants: string[]",
        ts_return_type = "Array<ChatlifeError | null>"
    )]
    pub fn messages<'env>(
        &mut self,
        env: &'env Env,
        now: Unknown<'_>,
        conversations: Unknown<'_>,
        participants: Unknown<'_>,
    ) -> napi::Result<Unknown<'env>, Code> {
        let at = millis(now)?;
        let conversations = batch_array(conversations, "conversations")?;
        let participants = batch_array(participants, "participants")?;
        if conversations.len() != participants.len() {
            let (c, p) = (conversations.len(), participants.len());
            return Err(invalid_argument(format!("participants: {p} ids for {c} conversations")));
        }
        // Every id first, into one buffer, so that the core can prefetch a
        // window's conversations; `None` where the two are not plain strings.
        let ids = &mut self.scratch.batch_text;
        ids.clear();
        let mut read = |list: &Array, index| {
            element(list, index).ok().and_then(|id| read::append_string(env.raw(), id.raw(), ids))
        };
        let spans: Vec<Option<[Range<usize>; 2]>> =
            (0..conversations.len()).map(|i| Some([read(&conversations, i)?, read(&participants, i)?])).collect();
        let ids = &self.scratch.batch_text;
        let (mut refused, mut index) = (Refused::new(), 0);
        let conversation_of = |span: &Option<[Range<usize>; 2]>| span.as_ref().map(|[c, _]| &ids[c.clone()]);
        self.engine.apply_in_windows(&spans, conversation_of, |engine, span| {
            let outcome = match span {
                Some([c, p]) => {
                    let (conversation, participant) =
                        (Text::borrowed(&ids[c.clone()]), Text::borrowed(&ids[p.clone()]));
                    engine.apply(at, &Command::Message { conversation, participant }).map_err(thrown)
                }
                // Anything but two strings gets what `message` gives it.
                None => {
                    let [conversation, participant] =
                        [("conversation", &conversations), ("participant", &participants)].map(|(field, list)| {
                            let value = element(list, index).map_err(unreadable(&format!("{field}s[{index}]")));
                            value.map(|value| (field, Some(value)))
                        });
                    conversation.and_then(|c| apply_fields(engine, env, now, "message", vec![c, participant?], None))
                }
            };
            if let Err(e) = outcome {
                refused.push((index, e));
            }
            index += 1;
        });
        self.outcomes(env, spans.len(), refused)
    }
}

/// `list[index]`. A getter that throws is caught: its exception is taken
/// (not left to be thrown when the call returns) and its text kept.
fn element<'env>(list: &Array<'env>, index: u32) -> napi::Result<Unknown<'env>> {
    let env = list.value().env;
    let mut value = std::ptr::null_mut();
    // SAFETY: the array and the env are those of the napi call being served.
    let status = unsafe { sys::napi_get_element(env, list.raw(), index, &mut value) };
    if status == sys::Status::napi_ok {
        // SAFETY: napi just gave the value, in this env.
        return Ok(unsafe { Unknown::from_raw_unchecked(env, value) });
    }
    // A getter's exception comes back as a generic failure, left pending.
    let mut exception = std::ptr::null_mut();
    // SAFETY: with nothing pending, napi gives `undefined` and clears nothing.
    let cleared = unsafe { sys::napi_get_and_clear_last_exception(env, &mut exception) };
    let thrown = cleared == sys::Status::napi_ok
        && !matches!(read::type_of(env, exception), None | Some(sys::ValueType::napi_undefined));
    if thrown {
        // SAFETY: napi just gave the exception, in this env.
        return Err(napi::Error::from(unsafe { Unknown::from_raw_unchecked(env, exception) }));
    }
    Err(napi::Error::from_reason(format!("napi status {status}")))
}

fn check_length(len: usize, field: &str) -> Result<(), Thrown> {
    if len <= MAX_BATCH {
        return Ok(());
    }
    let problem = format!("{field}: {len} elements, above the limit of {MAX_BATCH} in one call");
    Err(thrown(chatlife::Error::LimitExceeded(problem)))
}

/// A batch argument: an array of at most `MAX_BATCH` elements.
fn batch_array<'env>(value: Unknown<'env>, field: &str) -> Result<Array<'env>, Thrown> {
    if !value.is_array().map_err(unreadable(field))? {
        let kind = value.get_type().map_err(unreadable(field))?;
        return Err(invalid_argument(format!("{field}: must be an array, not a {}", type_name(kind))));
    }
    // SAFETY: the value was just checked to be an array.
    let list: Array = unsafe { value.cast() }.map_err(unreadable(field))?;
    check_length(list.len() as usize, field)?;
    Ok(list)
}

impl Engine {
    /// Applies a parsed batch; a command that did not parse is refused in its slot.
    fn apply_parsed(&mut self, items: &[Result<TimedCommand<'_>, chatlife::Error>]) -> Refused {
        let (mut refused, mut index) = (Refused::new(), 0);
        self.engine.apply_in_windows(
            items,
            |item| item.as_ref().ok()?.command.conversation(),
            |engine, item| {
                let outcome = match item {
                    Ok(timed) => engine.apply(timed.at, &timed.command),
                    Err(e) => Err(e.clone().within(&format!("commands[{index}]"))),
                };
                if let Err(e) = outcome {
                    refused.push((index, thrown(e)));
                }
                index += 1;
            },
        );
        refused
    }

    /// Applies a batch that has no JSON text, each element written on its own.
    fn apply_elements(&mut self, env: &Env, list: &Array) -> Refused {
        let mut text = String::new();
        let mut apply = |index: u32| {
            let path = format!("commands[{index}]");
            let value = element(list, index).map_err(unreadable(&path))?;
            // An element with no JSON form, like `undefined` in an array written as JSON, is null.
            if !json::stringify(env, &path, value, &mut text)? {
                text.replace_range(.., "null");
            }
            let timed = TimedCommand::from_json(&text).map_err(|e| thrown(e.within(&path)))?;
            self.engine.apply(timed.at, &timed.command).map_err(thrown)
        };
        (0..list.len()).filter_map(|index| apply(index).err().map(|e| (index, e))).collect()
    }

    /// One result per command for JavaScript: `null`, or the `Error`.
    fn outcomes<'env>(&mut self, env: &'env Env, count: usize, refused: Refused) -> napi::Result<Unknown<'env>, Code> {
        self.scratch.trim();
        // Every `null` at once, then the errors set in place: a napi call per
        // slot would cost about as much as the command.
        let mut list = json::nulls(env, &mut self.scratch.nulls, count).map_err(js_failed)?;
        for (index, e) in refused {
            list.set_element(index, JsError::from(e).into_unknown(*env)).map_err(js_failed)?;
        }
        Ok(list.to_unknown())
    }

    /// `self.events` as arrays of plain objects, in order. Each event is its
    /// canonical line, so the objects JSON.parse builds have the docs/rules.md §10
    /// keys in order.
    pub(crate) fn events_as_js<'env>(&mut self, env: &'env Env) -> napi::Result<Vec<Unknown<'env>>> {
        let text = &mut self.scratch.text;
        let mut lists = Vec::new();
        let mut rest = &self.events[..];
        while !rest.is_empty() {
            text.clear();
            text.push(b'[');
            let mut taken = 0;
            for event in rest {
                if taken > 0 {
                    if text.len() >= EVENTS_TEXT_BYTES {
                        break;
                    }
                    text.push(b',');
                }
                serde_json::to_writer(&mut *text, event).map_err(|e| napi::Error::from_reason(e.to_string()))?;
                taken += 1;
            }
            text.push(b']');
            lists.push(json::parse(env, text)?);
            rest = &rest[taken..];
        }
        Ok(lists)
    }
}
