//! Reading commands from JSON: a `serde_json::Value` (scenario steps) or JSON
//! text, whose strings the command then borrows (a batch from Node's
//! `JSON.stringify`). Errors are `invalid_argument` naming the field's path.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::at::At;
use super::fields::{Fields, Fill};
use super::{Command, TimedCommand};
use crate::error::{is_not_json, path_message, Error};

/// Reads with the path of the failing field tracked: `serde_path_to_error`
/// costs a `String` per key, so it runs only after a plain read failed.
fn read_tracked<'de, D>(d: D) -> Error
where
    D: Deserializer<'de, Error = serde_json::Error>,
{
    match serde_path_to_error::deserialize::<_, Fields<'de>>(d) {
        // Text that is no JSON at all has no field to name.
        Err(e) if is_not_json(e.inner()) => Error::InvalidArgument(format!("command: not JSON: {}", e.inner())),
        Err(e) => describe(path_message(e)),
        // Not expected: the same text read the same way. Still an error.
        Ok(_) => Error::InvalidArgument("command: not read".into()),
    }
}

fn describe(message: String) -> Error {
    // Only a value that is no object fails before any field is read (inside
    // one, the path comes first): name the command, as others name their field.
    Error::InvalidArgument(if message.starts_with("invalid type:") { format!("command: {message}") } else { message })
}

/// A value is read with its path tracked: values come from scenario files
/// and fallbacks, where a read without would have to clone the value to be
/// read again.
fn read_value(value: Value) -> Result<Fields<'static>, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| describe(path_message(e)))
}

/// Reads one JSON text to its end (trailing characters are refused).
fn read_text(text: &str) -> Result<Fields<'_>, Error> {
    let mut source = serde_json::Deserializer::from_str(text);
    let fields = match Fields::deserialize(&mut source) {
        Ok(fields) => fields,
        Err(_) => return Err(read_tracked(&mut serde_json::Deserializer::from_str(text))),
    };
    source.end().map_err(|e| Error::InvalidArgument(format!("command: not JSON: {e}")))?;
    Ok(fields)
}

impl<'a> Fields<'a> {
    fn command(&mut self) -> Result<Command<'a>, Error> {
        let op = std::mem::take(&mut self.op).required("op")?;
        Command::from_fields(&op, self)
    }

    fn untimed(&mut self) -> Result<Command<'a>, Error> {
        if self.has_at() {
            return Err(Error::InvalidArgument("at: not a field of a command without time".into()));
        }
        self.command()
    }

    fn timed(&mut self) -> Result<TimedCommand<'a>, Error> {
        let At(at) = std::mem::take(&mut self.at).required("at")?;
        Ok(TimedCommand { at, command: self.command()? })
    }
}

impl Command<'static> {
    /// Parses `{"op": ..., ...}`.
    pub fn from_value(value: Value) -> Result<Command<'static>, Error> {
        read_value(value)?.untimed()
    }
}

impl<'a> Command<'a> {
    /// Parses a JSON text holding `{"op": ..., ...}`; the command borrows its strings.
    pub fn from_json(text: &'a str) -> Result<Command<'a>, Error> {
        read_text(text)?.untimed()
    }
}

impl TimedCommand<'static> {
    /// Parses `{"at": ..., "op": ..., ...}`.
    pub fn from_value(value: Value) -> Result<TimedCommand<'static>, Error> {
        read_value(value)?.timed()
    }
}

impl<'a> TimedCommand<'a> {
    /// Parses a JSON text holding one timed command; it borrows its strings.
    pub fn from_json(text: &'a str) -> Result<TimedCommand<'a>, Error> {
        read_text(text)?.timed()
    }

    /// Parses a JSON array of timed commands, each on its own: one bad element
    /// is that element's error and does not stop the others. Only a text that
    /// is not a JSON array is an error of its own.
    ///
    /// The text is read once when every element is a JSON object of known
    /// types; a text that fails that read is read again element by element,
    /// so each failure is its element's own.
    pub fn parse_batch(text: &'a str) -> Result<Vec<Result<TimedCommand<'a>, Error>>, Error> {
        if let Ok(Batch(items)) = serde_json::from_str(text) {
            return Ok(items);
        }
        let items: Vec<&'a RawValue> = serde_json::from_str(text)
            .map_err(|e| Error::InvalidArgument(format!("commands: must be a JSON array of commands: {e}")))?;
        Ok(items.into_iter().map(|item| TimedCommand::from_json(item.get())).collect())
    }
}

/// A batch read in one pass: each element's fields, then its command or the
/// command's own refusal (an unknown op, a missing field).
struct Batch<'a>(Vec<Result<TimedCommand<'a>, Error>>);

impl<'de> Deserialize<'de> for Batch<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<'de>(std::marker::PhantomData<&'de ()>);
        impl<'de> serde::de::Visitor<'de> for Items<'de> {
            type Value = Batch<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON array of commands")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<Batch<'de>, S::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                let mut fields = Fields::default();
                while seq.next_element_seed(Fill(&mut fields))?.is_some() {
                    let command = fields.timed();
                    match command {
                        Ok(_) => fields.taken(),
                        Err(_) => fields = Fields::default(),
                    }
                    items.push(command);
                }
                Ok(Batch(items))
            }
        }
        d.deserialize_seq(Items(std::marker::PhantomData))
    }
}

/// Any serde source (a binding reading its host's objects in place) gives
/// the same commands as JSON; only the errors' wording is the source's.
impl<'de: 'a, 'a> Deserialize<'de> for Command<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Fields::deserialize(d)?.untimed().map_err(|e| serde::de::Error::custom(e.message()))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TimedCommand<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Fields::deserialize(d)?.timed().map_err(|e| serde::de::Error::custom(e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_commands_and_refuses_unknown_fields() {
        let c = TimedCommand::from_value(
            json!({"at": "5s", "op": "join", "conversation": "c", "participant": "a", "role": "agent"}),
        )
        .unwrap();
        assert_eq!(c.at, 5000);
        assert_eq!(c.command.op(), "join");
        let e = Command::from_value(
            json!({"op": "join", "conversation": "c", "participant": "a", "role": "agent", "x": 1}),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert_eq!(
            e.message(),
            "x: not a field of join; expected one of `conversation`, `participant`, `role`, `display_name`"
        );
        let e = Command::from_value(json!({"op": "message", "conversation": "c", "participant": "a", "role": "agent"}))
            .unwrap_err();
        assert_eq!(e.message(), "role: not a field of message; expected one of `conversation`, `participant`");
        let e = Command::from_value(json!({"op": "join", "conversation": "c", "participant": "a", "role": "boss"}))
            .unwrap_err();
        assert!(e.message().starts_with("role: "), "{e}");
        let e = Command::from_value(
            json!({"op": "set_participant_timers", "conversation": "c", "timers": {"agent_idle": 481}}),
        )
        .unwrap_err();
        assert_eq!(e.message(), "timers.agent_idle: 481 is above 480");
        let e = Command::from_value(json!({"op": "fly"})).unwrap_err();
        assert!(e.message().starts_with("op: \"fly\" is not a command"), "{e}");
        let e = Command::from_value(json!({"op": "advance", "at": 5})).unwrap_err();
        assert!(e.message().starts_with("at: "), "{e}");
        let e = Command::from_value(json!({"op": "message", "conversation": null, "participant": "a"})).unwrap_err();
        assert_eq!(e.message(), "conversation: must not be null");
        let e = Command::from_value(json!([1])).unwrap_err();
        assert!(e.message().starts_with("command: "), "{e}");
    }

    #[test]
    fn the_op_may_come_last_and_text_is_borrowed() {
        let text = r#"{"conversation": "c1", "participant": "p\u0031", "op": "message", "at": 7}"#;
        let c = TimedCommand::from_json(text).unwrap();
        assert_eq!(c.at, 7);
        let Command::Message { conversation, participant } = &c.command else { panic!("{c:?}") };
        assert_eq!((conversation.as_str(), participant.as_str()), ("c1", "p1"));
        let start = text.as_ptr() as usize..text.as_ptr() as usize + text.len();
        assert!(start.contains(&(conversation.as_ptr() as usize)), "an unescaped id is borrowed from the text");
    }

    #[test]
    fn text_and_value_give_the_same_commands_and_errors() {
        for json in [
            json!({"at": 1, "op": "set_agent_capacity", "agent": "a", "capacity": null}),
            json!({"at": 1, "op": "set_agent_capacity", "agent": "a", "capacity": 2}),
            json!({"at": 1, "op": "set_agent_capacity", "agent": "a"}),
            json!({"at": 1, "op": "set_agent_capacity", "agent": "a", "capacity": -1}),
            json!({"at": 1, "op": "set_wait", "conversation": "c", "for": "bot"}),
            json!({"at": "1m", "op": "reconnect", "token": "crl1_x"}),
            json!({"at": 1.5, "op": "advance"}),
            json!({"op": "advance"}),
            json!({"at": 1, "op": 5}),
            json!({"at": 1, "op": "join", "conversation": "c", "participant": "a", "role": 3}),
            json!([1]),
        ] {
            let from_value = TimedCommand::from_value(json.clone());
            let from_text = TimedCommand::from_json(&json.to_string()).map(TimedCommand::into_owned);
            let through_serde = TimedCommand::deserialize(json.clone()).map_err(|e| e.to_string());
            assert_eq!(from_value.clone().ok(), through_serde.ok(), "{json}");
            assert_eq!(from_value, from_text, "{json}");
        }
    }

    #[test]
    fn a_batch_keeps_each_elements_error_to_itself() {
        let batch = r#"[{"at": 1, "op": "advance"}, {"at": 2, "op": "fly"}, {"at": 3, "op": "advance"}]"#;
        let items = TimedCommand::parse_batch(batch).unwrap();
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[2].is_ok());
        assert!(items[1].as_ref().unwrap_err().message().starts_with("op: \"fly\""));
        // A type error stops the one-pass read; the element-by-element read
        // still keeps it to its element, worded as a single command's.
        let batch = r#"[{"at": 1, "op": "advance"}, {"at": 2, "op": "join", "role": 3}, {"at": 3, "op": "advance"}]"#;
        let items = TimedCommand::parse_batch(batch).unwrap();
        assert!(items[0].is_ok() && items[2].is_ok());
        let alone = TimedCommand::from_json(r#"{"at": 2, "op": "join", "role": 3}"#).unwrap_err();
        assert_eq!(items[1].as_ref().unwrap_err(), &alone);
        assert!(alone.message().starts_with("role: "), "{alone}");
        assert!(TimedCommand::parse_batch(r#"{"at": 1}"#).is_err());
        let e = TimedCommand::from_json(r#"{"at": 1, "op": "advance"} x"#).unwrap_err();
        assert_eq!(e.message(), "command: not JSON: trailing characters at line 1 column 28");
        let e = Command::from_json(r#"{"op": "message", "conversation": "c", "participant": "\ud800"}"#).unwrap_err();
        assert_eq!(e.message(), "participant: is not valid Unicode text (it holds a lone surrogate)");
        let e = Command::from_json(r#"{"op": "advance", "\ud800": 1}"#).unwrap_err();
        assert_eq!(e.message(), "command: a key is not valid Unicode text (it holds a lone surrogate)");
        let e =
            Command::from_json(r#"{"op": "set_participant_timers", "conversation": "c", "timers": {"\ud800x": 1}}"#)
                .unwrap_err();
        assert_eq!(e.message(), "timers: a key is not valid Unicode text (it holds a lone surrogate)");
        let e = TimedCommand::from_json(r#"{"at": 1e400, "op": "advance"}"#).unwrap_err();
        assert!(e.message().starts_with("at: number out of range"), "a field's problem names the field: {e}");
        let e = Command::from_json(r#"{"op": "advance""#).unwrap_err();
        assert_eq!(e.message(), "command: not JSON: EOF while parsing an object at line 1 column 16");
    }

    #[test]
    fn a_token_never_shows_in_debug() {
        let c = Command::from_value(json!({"op": "reconnect", "token": "crl1_abc_SECRET"})).unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
