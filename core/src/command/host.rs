//! Commands read straight from a binding's own values (a Python dict, a
//! JavaScript object), without JSON: the fast path of batches and methods.
//!
//! A binding hands each field's value as a [`Plain`], which it reads without
//! running anything and whose JSON form is not in doubt. On anything else (a
//! value that is not plain, a key beyond the command's, a field its type
//! refuses) the reader answers `None`, and the binding takes the JSON path
//! (`TimedCommand::from_json`), whose errors every caller shares. So a
//! command read here is the one the JSON path would build, and only the JSON
//! path refuses.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, Visitor};

use super::at::At;
use super::fields::{json_key, key_index, KEYS};
use super::{Command, Need, TimedCommand};

/// A host value whose JSON form is plain. A string may be a token, so `Debug`
/// gives its length only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Plain<'de> {
    /// No such key (or one JSON leaves out, like JavaScript's `undefined`).
    Absent,
    Null,
    Str(&'de str),
    /// A whole number from 0 up; others take the JSON path.
    Whole(u64),
}

impl fmt::Debug for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Plain::Absent => f.write_str("Absent"),
            Plain::Null => f.write_str("Null"),
            Plain::Str(text) => write!(f, "Str({} bytes)", text.len()),
            Plain::Whole(n) => write!(f, "Whole({n})"),
        }
    }
}

/// A host's command object, as the reader asks it.
pub trait HostFields<'de> {
    /// The value under the JSON key `COMMAND_KEYS[key]`, or `None` when it
    /// is not plain.
    fn get(&mut self, key: usize) -> Option<Plain<'de>>;
    /// How many keys the object has, known or not, if that can be told.
    fn key_count(&mut self) -> Option<usize>;
}

/// A field's value as the reader takes it, by the field's need; `None` when
/// the JSON path must decide. A required field that is null is refused there
/// whatever its type (a JSON field would take null as a value).
fn need<'de>(value: Plain<'de>, need: Need, given: &mut usize) -> Option<Plain<'de>> {
    match (value, need) {
        (Plain::Absent, Need::Optional) => Some(Plain::Null),
        (Plain::Absent, _) | (Plain::Null, Need::Required) => None,
        (value, _) => {
            *given += 1;
            Some(value)
        }
    }
}

fn field<'de, T: Deserialize<'de>>(value: Plain<'de>) -> Option<T> {
    T::deserialize(value).ok()
}

/// Declares the readers from the table (`table.rs`).
macro_rules! host_reader {
    (@need req) => { Need::Required };
    (@need opt) => { Need::Optional };
    (@need nul) => { Need::Nullable };
    ($( $(#[doc = $doc:literal])* $variant:ident = $op:literal { $( $need:ident $field:ident : $kind:ident ),* $(,)? } )*) => {
        impl<'de> Command<'de> {
            /// The command `op` names, from a host's fields, if the JSON path
            /// would build it as it is; also how many fields were given. Keys
            /// beyond the command's are not looked for.
            fn read_host(op: &str, fields: &mut impl HostFields<'de>) -> Option<(Command<'de>, usize)> {
                let mut given = 0;
                let command = match op {
                    $( $op => Command::$variant { $( $field: field(need(
                        fields.get(const { key_index(json_key(stringify!($field))) })?,
                        host_reader!(@need $need),
                        &mut given,
                    )?)? ),* }, )*
                    _ => return None,
                };
                Some((command, given))
            }
        }
    };
}

crate::command_table!(host_reader);

impl<'de> Command<'de> {
    /// The command `op` names, from a host's fields (a method's arguments),
    /// if the JSON path would build it as it is.
    pub fn from_host(op: &str, fields: &mut impl HostFields<'de>) -> Option<Command<'de>> {
        Command::read_host(op, fields).map(|(command, _)| command)
    }
}

impl<'de> TimedCommand<'de> {
    /// A batch command (`{"at": ..., "op": ..., fields}`) from a host's
    /// object, if the JSON path would build it as it is: with no key beyond
    /// `at`, `op` and the op's fields.
    pub fn from_host(fields: &mut impl HostFields<'de>) -> Option<TimedCommand<'de>> {
        let At(at) = field(fields.get(const { key_index("at") })?)?;
        let Plain::Str(op) = fields.get(const { key_index("op") })? else { return None };
        let (command, given) = Command::read_host(op, fields)?;
        (fields.key_count()? == given + 2).then_some(TimedCommand { at, command })
    }
}

/// Every JSON key a command may have, `at` and `op` among them: what
/// [`HostFields::get`] is asked by.
pub const COMMAND_KEYS: &[&str] = KEYS;

type Refused = de::value::Error;

impl<'de> Deserializer<'de> for Plain<'de> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Plain::Absent => Err(de::Error::custom("absent")),
            Plain::Null => visitor.visit_unit(),
            Plain::Str(text) => visitor.visit_borrowed_str(text),
            Plain::Whole(n) => visitor.visit_u64(n),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Plain::Null => visitor.visit_none(),
            value => visitor.visit_some(value),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match self {
            Plain::Str(text) => text.into_deserializer().deserialize_enum(name, variants, visitor),
            value => value.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;

    /// A host object as (key, value) pairs.
    struct Object<'a>(Vec<(&'a str, Plain<'a>)>);

    impl<'a> HostFields<'a> for Object<'a> {
        fn get(&mut self, key: usize) -> Option<Plain<'a>> {
            Some(self.0.iter().find(|(k, _)| *k == COMMAND_KEYS[key]).map_or(Plain::Absent, |(_, v)| *v))
        }
        fn key_count(&mut self) -> Option<usize> {
            Some(self.0.len())
        }
    }

    fn read<'a>(pairs: &[(&'a str, Plain<'a>)]) -> Option<TimedCommand<'a>> {
        TimedCommand::from_host(&mut Object(pairs.to_vec()))
    }

    #[test]
    fn reads_what_the_json_path_reads() {
        use Plain::*;
        let message =
            [("at", Str("1m")), ("op", Str("message")), ("conversation", Str("c")), ("participant", Str("p"))];
        let expected = TimedCommand::from_json(r#"{"at":"1m","op":"message","conversation":"c","participant":"p"}"#);
        assert_eq!(read(&message), Some(expected.unwrap()));
        let join = [("op", Str("join")), ("at", Whole(5)), ("conversation", Str("c")), ("participant", Str("a"))];
        let join = [&join[..], &[("role", Str("agent")), ("display_name", Null)]].concat();
        let read_join = read(&join).unwrap();
        assert_eq!(read_join.at, 5);
        let Command::Join { role, display_name, participant, .. } = read_join.command else { panic!("{read_join:?}") };
        assert_eq!((role, display_name, participant), (crate::Role::Agent, None, Text::borrowed("a")));
        let capacity = [("at", Whole(0)), ("op", Str("set_agent_capacity")), ("agent", Str("a")), ("capacity", Null)];
        assert!(matches!(read(&capacity).unwrap().command, Command::SetAgentCapacity { capacity: None, .. }));
    }

    /// A value the JSON path takes for a field of `kind`, as the host gives it.
    fn sample(kind: &str) -> Option<(Plain<'static>, serde_json::Value)> {
        match kind {
            "text" | "secret" => Some((Plain::Str("x"), "x".into())),
            "role" => Some((Plain::Str("agent"), "agent".into())),
            "wait_for" => Some((Plain::Str("customer"), "customer".into())),
            "count" => Some((Plain::Whole(2), 2.into())),
            // Objects are never plain.
            _ => None,
        }
    }

    #[test]
    fn every_command_of_the_table_reads_as_the_json_path_reads_it() {
        for spec in crate::command::COMMANDS {
            let samples: Option<Vec<_>> = spec.fields.iter().map(|f| sample(f.kind).map(|s| (f.key, s))).collect();
            let Some(samples) = samples else { continue };
            let mut pairs = vec![("at", Plain::Whole(7)), ("op", Plain::Str(spec.op))];
            pairs.extend(samples.iter().map(|(key, (plain, _))| (*key, *plain)));
            let mut json = serde_json::json!({"at": 7, "op": spec.op});
            for (key, (_, value)) in &samples {
                json[*key] = value.clone();
            }
            let expected = TimedCommand::from_value(json.clone()).unwrap();
            assert_eq!(read(&pairs).map(TimedCommand::into_owned), Some(expected), "{}", spec.op);
            // Null, where the JSON path refuses it, is left to it; where it takes it, read as it.
            for (i, field) in spec.fields.iter().enumerate() {
                let mut nulled = pairs.clone();
                nulled[i + 2].1 = Plain::Null;
                let mut json = json.clone();
                json[field.key] = serde_json::Value::Null;
                let from_json = TimedCommand::from_value(json).ok();
                assert_eq!(read(&nulled).map(TimedCommand::into_owned), from_json, "{}.{}", spec.op, field.key);
            }
        }
    }

    #[test]
    fn a_required_field_that_is_null_is_left_to_the_json_path_whatever_its_type() {
        // A JSON field would take null as a value; the JSON path refuses it first.
        let update = [
            ("at", Plain::Whole(0)),
            ("op", Plain::Str("update_participant_role_config")),
            ("conversation", Plain::Str("c")),
            ("request", Plain::Null),
        ];
        assert_eq!(read(&update), None);
        let json = r#"{"at":0,"op":"update_participant_role_config","conversation":"c","request":null}"#;
        assert!(TimedCommand::from_json(json).is_err());
    }

    #[test]
    fn leaves_every_doubt_to_the_json_path() {
        use Plain::*;
        let base =
            vec![("at", Whole(0)), ("op", Str("message")), ("conversation", Str("c")), ("participant", Str("p"))];
        assert!(read(&base).is_some());
        let with =
            |key, value| base.iter().copied().filter(|(k, _)| *k != key).chain([(key, value)]).collect::<Vec<_>>();
        let without = |key| base.iter().copied().filter(|(k, _)| *k != key).collect::<Vec<_>>();
        for pairs in [
            without("participant"),
            without("at"),
            without("op"),
            with("participant", Null),
            with("participant", Whole(3)),
            with("op", Str("no_such_op")),
            with("at", Str("soon")),
            with("at", Whole(u64::MAX)),
            with("customer", Str("x")),
            with("unknown", Str("x")),
        ] {
            assert_eq!(read(&pairs), None, "{pairs:?}");
        }
        let join = [("at", Whole(0)), ("op", Str("join")), ("conversation", Str("c")), ("participant", Str("a"))];
        assert_eq!(read(&[&join[..], &[("role", Str("boss"))]].concat()), None);
    }
}
