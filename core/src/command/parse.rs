//! Reading commands from JSON: a `serde_json::Value` (scenario steps) or JSON
//! text, whose strings the command then borrows (a batch from Node's
//! `JSON.stringify`). Errors are `invalid_argument` naming the field's path.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::fields::{At, Fields};
use super::{Command, TimedCommand};
use crate::error::{path_message, Error};
use crate::time::{parse_duration, Millis, MAX_TIME};

/// Reads `at`: integer milliseconds or a duration string from zero (SC1).
pub fn parse_at(value: &Value) -> Result<Millis, String> {
    let ms = match value {
        Value::Number(n) => n.as_u64().ok_or_else(|| format!("{n} is not a whole number of milliseconds"))?,
        Value::String(s) => parse_duration(s)?,
        other => return Err(format!("{other} is neither milliseconds nor a duration string")),
    };
    if ms > MAX_TIME {
        return Err(format!("{ms} is above {MAX_TIME}"));
    }
    Ok(ms)
}

fn read<'de, D>(d: D) -> Result<Fields<'de>, Error>
where
    D: Deserializer<'de, Error = serde_json::Error>,
{
    serde_path_to_error::deserialize(d).map_err(|e| {
        let message = path_message(e);
        // Only a value that is no object fails before any field is read (inside
        // one, the path comes first): name the command, as others name their field.
        Error::InvalidArgument(if message.starts_with("invalid type:") {
            format!("command: {message}")
        } else {
            message
        })
    })
}

fn text_source(text: &str) -> serde_json::Deserializer<serde_json::de::StrRead<'_>> {
    serde_json::Deserializer::from_str(text)
}

/// Reads one JSON text to its end (trailing characters are refused).
fn read_text(text: &str) -> Result<Fields<'_>, Error> {
    let mut source = text_source(text);
    let fields = read(&mut source)?;
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
        read(value)?.untimed()
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
        read(value)?.timed()
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
    pub fn parse_batch(text: &'a str) -> Result<Vec<Result<TimedCommand<'a>, Error>>, Error> {
        let items: Vec<&'a RawValue> = serde_json::from_str(text)
            .map_err(|e| Error::InvalidArgument(format!("commands: must be a JSON array of commands: {e}")))?;
        Ok(items.into_iter().map(|item| TimedCommand::from_json(item.get())).collect())
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
        assert!(TimedCommand::parse_batch(r#"{"at": 1}"#).is_err());
        assert!(TimedCommand::from_json(r#"{"at": 1, "op": "advance"} x"#).is_err());
    }

    #[test]
    fn a_token_never_shows_in_debug() {
        let c = Command::from_value(json!({"op": "reconnect", "token": "crl1_abc_SECRET"})).unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
