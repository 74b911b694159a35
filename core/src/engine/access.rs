//! How commands find what they name (docs/rules.md §2, E1): conversations by id,
//! participants present in them, the assigned agent; the argument checks whose
//! messages name the field; and the one way events are emitted.

use super::Engine;
use crate::config::Policy;
use crate::conversation::Conversation;
use crate::error::Error;
use crate::events::{Event, EventKind};
use crate::id::{check_id, Id, MAX_ID_BYTES};
use crate::time::Millis;
use crate::vocab::State;

/// Checks an id argument; the message names `field`.
pub(crate) fn arg(field: &str, value: &str) -> Result<(), Error> {
    check_id(value).map_err(|problem| {
        let message = format!("{field}: {problem}");
        if value.len() > MAX_ID_BYTES {
            Error::LimitExceeded(message)
        } else {
            Error::InvalidArgument(message)
        }
    })
}

pub(crate) fn display_arg(value: Option<&str>) -> Result<(), Error> {
    value.map_or(Ok(()), |v| arg("display_name", v))
}

impl Engine {
    pub(crate) fn conv(&self, ci: u32) -> &Conversation {
        self.conversations.get(ci)
    }

    pub(crate) fn conv_mut(&mut self, ci: u32) -> &mut Conversation {
        self.conversations.get_mut(ci)
    }

    pub(crate) fn policy(&self, ci: u32) -> &Policy {
        &self.config.policies[self.conv(ci).policy as usize]
    }

    pub(crate) fn index(&self, conversation: &str) -> Result<u32, Error> {
        if let Some(ci) = self.conversations.find(conversation) {
            // Ids in the map were checked on the way in.
            return Ok(ci);
        }
        arg("conversation", conversation)?;
        Err(Error::UnknownConversation(format!("conversation: {conversation:?} is not known")))
    }

    /// A conversation that is not closed (S1).
    pub(crate) fn live_index(&self, conversation: &str) -> Result<u32, Error> {
        let ci = self.index(conversation)?;
        if self.conv(ci).state == State::Closed {
            return Err(Error::InvalidState(format!("conversation: {conversation:?} is closed")));
        }
        Ok(ci)
    }

    pub(crate) fn present(&self, ci: u32, participant: &str) -> Result<usize, Error> {
        let conv = self.conv(ci);
        if let Some(p) = conv.find_present(participant) {
            return Ok(p);
        }
        arg("participant", participant)?;
        Err(Error::UnknownParticipant(format!("participant: {participant:?} is not in conversation {:?}", conv.id)))
    }

    /// The assigned agent, present or not (it may have left during wrap-up).
    pub(crate) fn assigned(&self, ci: u32, participant: &str) -> Option<usize> {
        let conv = self.conv(ci);
        conv.assigned_agent().filter(|&a| &*conv.participants[a].id == participant)
    }

    pub(crate) fn emit(&mut self, at: Millis, conversation: Option<Id>, kind: EventKind) {
        self.events.push_back(Event { at, conversation, kind });
    }

    pub(crate) fn emit_in(&mut self, at: Millis, ci: u32, kind: EventKind) {
        let id = self.conv(ci).id.clone();
        self.emit(at, Some(id), kind);
    }
}
