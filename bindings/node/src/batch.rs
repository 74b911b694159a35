//! Reading a batch from the text `JSON.stringify` wrote for it, without
//! building a `serde_json::Value` per command.
//!
//! The common commands (`advance`, `start_conversation` and `join` with
//! plain fields, and every command on a conversation and a participant) are
//! read in place: ids borrowed from the text, `at` as written. The reader
//! takes an element only when the core's own parser would accept it as it
//! is and read the same values from it: every field a known one, none twice,
//! each of its type, strings without escapes. Anything else is handed over
//! as its JSON text for the core's parser (`TimedCommand::from_value`), which
//! then gives the command, or the refusal with its code and message.

use chatlife::parse_at;
// The keys a batch command read in place may have, at positions the core fixes.
use chatlife::plain_fields::*;
use chatlife::MAX_TIME;
use chatlife::{Role, StartOptions};
use serde_json::Value;

/// One element of the batch.
pub enum Item<'a> {
    /// A command read in place, with its `at`.
    Read(u64, Fast<'a>),
    /// An element for the core's parser: its JSON text.
    Json(&'a str),
}

/// A command read in place.
pub enum Fast<'a> {
    Advance,
    /// A command on one participant of one conversation.
    Participant {
        op: ParticipantOp,
        conversation: &'a str,
        participant: &'a str,
    },
    Join {
        conversation: &'a str,
        participant: &'a str,
        role: Role,
        display_name: Option<&'a str>,
    },
    Start {
        conversation: &'a str,
        customer: &'a str,
        options: StartOptions<'a>,
    },
}

#[derive(Clone, Copy)]
pub enum ParticipantOp {
    Leave,
    Message,
    ConnectionLost,
    ConnectionRestored,
    End,
    CloseSession,
    Hold,
    Resume,
}

impl ParticipantOp {
    fn from_op(op: &str) -> Option<ParticipantOp> {
        Some(match op {
            "leave" => ParticipantOp::Leave,
            "message" => ParticipantOp::Message,
            "connection_lost" => ParticipantOp::ConnectionLost,
            "connection_restored" => ParticipantOp::ConnectionRestored,
            "end" => ParticipantOp::End,
            "close_session" => ParticipantOp::CloseSession,
            "hold" => ParticipantOp::Hold,
            "resume" => ParticipantOp::Resume,
            _ => return None,
        })
    }
}

impl Fast<'_> {
    /// Calls the core's method for the command, as `Engine::apply` does.
    pub fn apply(&self, engine: &mut chatlife::Engine, at: u64) -> Result<(), chatlife::Error> {
        match *self {
            Fast::Advance => engine.advance(at),
            Fast::Participant { op, conversation, participant } => {
                let method = match op {
                    ParticipantOp::Leave => chatlife::Engine::leave,
                    ParticipantOp::Message => chatlife::Engine::message,
                    ParticipantOp::ConnectionLost => chatlife::Engine::connection_lost,
                    ParticipantOp::ConnectionRestored => chatlife::Engine::connection_restored,
                    ParticipantOp::End => chatlife::Engine::end,
                    ParticipantOp::CloseSession => chatlife::Engine::close_session,
                    ParticipantOp::Hold => chatlife::Engine::hold,
                    ParticipantOp::Resume => chatlife::Engine::resume,
                };
                method(engine, at, conversation, participant)
            }
            Fast::Join { conversation, participant, role, display_name } => {
                engine.join(at, conversation, participant, role, display_name)
            }
            Fast::Start { conversation, customer, options } => {
                engine.start_conversation(at, conversation, customer, options)
            }
        }
    }
}

/// A field's value as the reader takes it.
#[derive(Clone, Copy)]
enum Raw<'a> {
    Str(&'a str),
    Whole(u64),
    Null,
}

/// The fields of one element, and which of them it has.
#[derive(Default)]
struct Fields<'a> {
    values: [Option<Raw<'a>>; KEYS.len()],
    present: u16,
}

impl<'a> Fields<'a> {
    /// `None` unless every field present is one of `allowed`.
    fn only(&self, allowed: &[usize]) -> Option<()> {
        let mask = allowed.iter().fold(1 << AT | 1 << OP, |mask, &key| mask | 1 << key);
        (self.present & !mask == 0).then_some(())
    }

    fn text(&self, key: usize) -> Option<&'a str> {
        match self.values[key]? {
            Raw::Str(text) => Some(text),
            _ => None,
        }
    }

    /// An optional string: absent and `null` are both `None`.
    fn optional_text(&self, key: usize) -> Option<Option<&'a str>> {
        match self.values[key] {
            None | Some(Raw::Null) => Some(None),
            Some(Raw::Str(text)) => Some(Some(text)),
            Some(Raw::Whole(_)) => None,
        }
    }

    /// `at` as `parse_at` reads it, when it accepts it.
    fn at(&self) -> Option<u64> {
        match self.values[AT]? {
            Raw::Whole(ms) => (ms <= MAX_TIME).then_some(ms),
            Raw::Str(duration) => parse_at(&Value::String(duration.into())).ok(),
            Raw::Null => None,
        }
    }

    fn command(&self) -> Option<Fast<'a>> {
        let op = self.text(OP)?;
        if let Some(op) = ParticipantOp::from_op(op) {
            self.only(&[CONVERSATION, PARTICIPANT])?;
            return Some(Fast::Participant {
                op,
                conversation: self.text(CONVERSATION)?,
                participant: self.text(PARTICIPANT)?,
            });
        }
        match op {
            "advance" => {
                self.only(&[])?;
                Some(Fast::Advance)
            }
            "join" => {
                self.only(&[CONVERSATION, PARTICIPANT, ROLE, DISPLAY_NAME])?;
                let role = self.text(ROLE)?;
                Some(Fast::Join {
                    conversation: self.text(CONVERSATION)?,
                    participant: self.text(PARTICIPANT)?,
                    role: Role::ALL.into_iter().find(|r| r.as_str() == role)?,
                    display_name: self.optional_text(DISPLAY_NAME)?,
                })
            }
            "start_conversation" => {
                self.only(&[CONVERSATION, CUSTOMER, POLICY, AUTHENTICATED_AS, DISPLAY_NAME])?;
                Some(Fast::Start {
                    conversation: self.text(CONVERSATION)?,
                    customer: self.text(CUSTOMER)?,
                    options: StartOptions {
                        policy: self.optional_text(POLICY)?,
                        authenticated_as: self.optional_text(AUTHENTICATED_AS)?,
                        display_name: self.optional_text(DISPLAY_NAME)?,
                    },
                })
            }
            _ => None,
        }
    }
}

/// Walks the commands of the JSON array `JSON.stringify` wrote for a batch,
/// answering `None` after the last. After an element it cannot find the end
/// of (which valid JSON never gives) it is `lost` and answers `None` from
/// then on; the caller reads the rest from the array itself.
pub struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    lost: bool,
}

impl<'a> Scanner<'a> {
    /// A scanner before the first element of `text`, an array.
    pub fn new(text: &'a str) -> Scanner<'a> {
        let mut scanner = Scanner { text, pos: 0, lost: false };
        scanner.lost = scanner.eat(b'[').is_none();
        scanner
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// A string with no escapes in it, borrowed from the text.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let len = self.bytes()[start..].iter().position(|&b| b == b'"' || b == b'\\')?;
        let end = start + len;
        self.eat_at(end, b'"')?;
        // Both ends sit next to an ASCII quote, so they are char boundaries.
        Some(&self.text[start..end])
    }

    fn eat_at(&mut self, at: usize, byte: u8) -> Option<()> {
        self.pos = at;
        self.eat(byte)
    }

    /// A whole number written as plain digits, as JSON.stringify writes
    /// integers up to 10^21.
    fn whole(&mut self) -> Option<u64> {
        let start = self.pos;
        let len = self.bytes()[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        self.pos += len;
        if matches!(self.peek()?, b'.' | b'e' | b'E') {
            return None;
        }
        self.text[start..self.pos].parse().ok()
    }

    fn value(&mut self) -> Option<Raw<'a>> {
        match self.peek()? {
            b'"' => self.plain_string().map(Raw::Str),
            b'0'..=b'9' => self.whole().map(Raw::Whole),
            b'n' if self.bytes()[self.pos..].starts_with(b"null") => {
                self.pos += "null".len();
                Some(Raw::Null)
            }
            _ => None,
        }
    }

    /// The command at the scanner, read in place, or `None` (position lost).
    fn read_command(&mut self) -> Option<(u64, Fast<'a>)> {
        self.eat(b'{')?;
        let mut fields = Fields::default();
        loop {
            let key = self.plain_string()?;
            self.eat(b':')?;
            let value = self.value()?;
            let index = KEYS.iter().position(|k| *k == key)?;
            if fields.values[index].replace(value).is_some() {
                return None;
            }
            fields.present |= 1 << index;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
        Some((fields.at()?, fields.command()?))
    }

    /// Moves past one JSON value of any kind; `None` when the text does not
    /// hold one.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    loop {
                        let rest = &self.bytes()[self.pos..];
                        let at = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
                        self.pos += at + 1;
                        if rest[at] == b'"' {
                            break;
                        }
                        // The escaped character, whatever it is.
                        self.pos += 1;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.pos += 1;
                }
                b',' if depth == 0 => return Some(()),
                _ => self.pos += 1,
            }
            if depth == 0 && matches!(self.peek(), Some(b',' | b']')) {
                return Some(());
            }
        }
    }

    /// After an element: past its `,`, or at the closing `]`.
    fn next_element(&mut self) -> Option<()> {
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Some(())
            }
            b']' => Some(()),
            _ => None,
        }
    }

    /// Whether the scanner lost its way in the text before the array's end.
    pub fn lost(&self) -> bool {
        self.lost
    }

    /// The next command of the batch: read in place, or else handed over as
    /// its text. `None` after the last, or once the position is lost.
    pub fn command(&mut self) -> Option<Item<'a>> {
        if self.lost || self.peek() == Some(b']') {
            return None;
        }
        let start = self.pos;
        let read = self.read_command().filter(|_| matches!(self.peek(), Some(b',' | b']')));
        let item = match read {
            Some((at, fast)) => Item::Read(at, fast),
            None => {
                self.pos = start;
                if self.skip_value().is_none() {
                    self.lost = true;
                    return None;
                }
                Item::Json(&self.text[start..self.pos])
            }
        };
        if self.next_element().is_none() {
            self.lost = true;
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(text: &str) -> Vec<String> {
        let mut scanner = Scanner::new(text);
        let mut out = Vec::new();
        while let Some(item) = scanner.command() {
            out.push(match item {
                Item::Read(at, Fast::Advance) => format!("{at} advance"),
                Item::Read(at, Fast::Participant { conversation, participant, .. }) => {
                    format!("{at} {conversation} {participant}")
                }
                Item::Read(at, Fast::Join { role, display_name, .. }) => format!("{at} join {role:?} {display_name:?}"),
                Item::Read(at, Fast::Start { options, .. }) => format!("{at} start {:?}", options.policy),
                Item::Json(text) => format!("json {text}"),
            });
        }
        assert!(!scanner.lost());
        out
    }

    #[test]
    fn reads_plain_commands_in_place_and_hands_over_the_rest() {
        let text = concat!(
            r#"[{"at":5,"op":"message","conversation":"c","participant":"p"},"#,
            r#"{"at":"1s","op":"advance"},"#,
            r#"{"at":1,"op":"join","conversation":"c","participant":"a","role":"agent","display_name":null},"#,
            r#"{"at":2,"op":"start_conversation","conversation":"c","customer":"u","policy":"vip"},"#,
            r#"{"at":1.5,"op":"advance"},"#,
            r#"{"at":1,"op":"message","conversation":"c\"q","participant":"p"},"#,
            r#"{"at":1,"op":"message","conversation":"c","participant":"p","extra":[1,{"a":"]"}]},"#,
            r#"{"at":1,"op":"message","conversation":"c","conversation":"d","participant":"p"},"#,
            r#"{"at":1,"op":"join","conversation":"c","participant":"a","role":"boss"},"#,
            r#"{"at":9007199254740992,"op":"advance"},"#,
            r#"null,"x",[]]"#
        );
        assert_eq!(
            commands(text),
            [
                "5 c p",
                "1000 advance",
                "1 join Agent None",
                "2 start Some(\"vip\")",
                r#"json {"at":1.5,"op":"advance"}"#,
                r#"json {"at":1,"op":"message","conversation":"c\"q","participant":"p"}"#,
                r#"json {"at":1,"op":"message","conversation":"c","participant":"p","extra":[1,{"a":"]"}]}"#,
                r#"json {"at":1,"op":"message","conversation":"c","conversation":"d","participant":"p"}"#,
                r#"json {"at":1,"op":"join","conversation":"c","participant":"a","role":"boss"}"#,
                r#"json {"at":9007199254740992,"op":"advance"}"#,
                "json null",
                r#"json "x""#,
                "json []",
            ]
        );
    }

    #[test]
    fn a_text_that_is_no_array_reads_nothing() {
        assert!(Scanner::new("{}").command().is_none());
        let mut scanner = Scanner::new(r#"[{"at":1,"op":"advance"},{"at":2"#);
        assert!(matches!(scanner.command(), Some(Item::Read(1, Fast::Advance))));
        assert!(scanner.command().is_none());
        assert!(scanner.command().is_none());
        assert!(scanner.lost());
        let mut scanner = Scanner::new("[]");
        assert!(scanner.command().is_none());
        assert!(!scanner.lost());
    }
}
