//! `chatlife_apply_many`: an array of commands and the events they cause in
//! one call, so a host pays the call overhead once per batch instead of once
//! per command and once per event (bench/README.md measures the difference).

use chatlife::{Engine, Role, StartOptions};

use crate::boundary::{optional_text, required, text};
use crate::engine::{chatlife_engine, engine_mut, json_arg, reconnect_command, role_arg, wait_arg, ParticipantCommand};
use crate::error::{chatlife_error, Failure};
use crate::event::{chatlife_event, chatlife_timers, PolledEvent};
use crate::status::chatlife_status;
use crate::text::chatlife_str;

/// Which command a `chatlife_command` holds: the `op` of docs/rules.md §9, numbered in
/// the order docs/rules.md §9 lists them, then the ops later versions of the rules added
/// (`hold`, `resume`: §14). Numbers are fixed and never reused. Passed
/// as a `uint32_t`: any other number is refused for that command with
/// `CHATLIFE_STATUS_INVALID_ARGUMENT`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum chatlife_op {
    StartConversation = 0,
    Join = 1,
    Leave = 2,
    Message = 3,
    ConnectionLost = 4,
    ConnectionRestored = 5,
    End = 6,
    CloseSession = 7,
    IssueReconnectLink = 8,
    Reconnect = 9,
    ReturningCustomer = 10,
    DeclineReconnect = 11,
    SetParticipantTimers = 12,
    UpdateParticipantRoleConfig = 13,
    SetWait = 14,
    SetAgentCapacity = 15,
    Advance = 16,
    Hold = 17,
    Resume = 18,
}

impl chatlife_op {
    /// Whether a command of this op reads its `conversation` field.
    fn reads_conversation(self) -> bool {
        !matches!(self, chatlife_op::ReturningCustomer | chatlife_op::SetAgentCapacity | chatlife_op::Advance)
    }

    /// Every op with its docs/rules.md §9 name, in number order.
    const ALL: [(chatlife_op, &'static str); 19] = [
        (chatlife_op::StartConversation, "start_conversation"),
        (chatlife_op::Join, "join"),
        (chatlife_op::Leave, "leave"),
        (chatlife_op::Message, "message"),
        (chatlife_op::ConnectionLost, "connection_lost"),
        (chatlife_op::ConnectionRestored, "connection_restored"),
        (chatlife_op::End, "end"),
        (chatlife_op::CloseSession, "close_session"),
        (chatlife_op::IssueReconnectLink, "issue_reconnect_link"),
        (chatlife_op::Reconnect, "reconnect"),
        (chatlife_op::ReturningCustomer, "returning_customer"),
        (chatlife_op::DeclineReconnect, "decline_reconnect"),
        (chatlife_op::SetParticipantTimers, "set_participant_timers"),
        (chatlife_op::UpdateParticipantRoleConfig, "update_participant_role_config"),
        (chatlife_op::SetWait, "set_wait"),
        (chatlife_op::SetAgentCapacity, "set_agent_capacity"),
        (chatlife_op::Advance, "advance"),
        (chatlife_op::Hold, "hold"),
        (chatlife_op::Resume, "resume"),
    ];

    fn of(op: u32) -> Result<chatlife_op, Failure> {
        chatlife_op::ALL
            .get(op as usize)
            .map(|&(op, _)| op)
            .ok_or_else(|| Failure::invalid_argument(format!("op: {op} is not a chatlife_op")))
    }
}

/// One command of a `chatlife_apply_many` batch: the JSON form of docs/rules.md §9 as
/// a struct. `op` says which fields are read; the others are ignored, so a
/// zero-initialized struct with the fields of its op set is a valid command:
///
/// | op | fields read (optional ones in brackets) |
/// |---|---|
/// | start_conversation | conversation, customer, [policy], [authenticated_as], [display_name] |
/// | join | conversation, participant, role, [display_name] |
/// | leave, message, connection_lost, connection_restored, end, close_session, hold, resume | conversation, participant |
/// | issue_reconnect_link | conversation |
/// | reconnect | [token], [conversation], [authenticated_as] |
/// | returning_customer | authenticated_as |
/// | decline_reconnect | conversation, authenticated_as |
/// | set_participant_timers | conversation, timers |
/// | update_participant_role_config | conversation, request_json |
/// | set_wait | conversation, wait_for |
/// | set_agent_capacity | agent, capacity, capacity_bounded |
/// | advance | (none) |
///
/// Strings follow the rules of every string argument (valid UTF-8, ids of
/// 1 to 256 bytes, read only during the call); `data` NULL means absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct chatlife_command {
    /// A `chatlife_op`.
    pub op: u32,
    /// When the command happens, in ms: the `now` of the single-call function.
    pub at: u64,
    pub conversation: chatlife_str,
    pub participant: chatlife_str,
    pub customer: chatlife_str,
    pub agent: chatlife_str,
    pub policy: chatlife_str,
    pub authenticated_as: chatlife_str,
    pub display_name: chatlife_str,
    /// `reconnect` by link. A secret: never log it.
    pub token: chatlife_str,
    /// `update_participant_role_config`: the request body as JSON text.
    pub request_json: chatlife_str,
    /// A `chatlife_role`.
    pub role: u32,
    /// A `chatlife_wait_for`.
    pub wait_for: u32,
    pub timers: chatlife_timers,
    /// `set_agent_capacity`: `capacity` is read only when `capacity_bounded`
    /// is true; false means unbounded (JSON `null`).
    pub capacity: u32,
    pub capacity_bounded: bool,
}

/// A required string field.
///
/// # Safety
/// The header's contract for strings: a non-NULL `data` is valid for `len` bytes.
unsafe fn field<'a>(name: &'static str, s: chatlife_str) -> Result<&'a str, Failure> {
    // SAFETY: passed on from the caller.
    unsafe { text(name, s.data, s.len) }
}

/// An optional string field: `data` NULL is absent.
///
/// # Safety
/// As [`field`].
unsafe fn optional_field<'a>(name: &'static str, s: chatlife_str) -> Result<Option<&'a str>, Failure> {
    // SAFETY: passed on from the caller.
    unsafe { optional_text(name, s.data, s.len) }
}

/// The conversation a batch command names, for `Engine::prefetch`: only for
/// ops that read the field (others may leave anything there), and only when
/// it is text (a bad one is refused when the command is applied).
///
/// # Safety
/// The strings of `command` follow the header's contract.
unsafe fn conversation_to_prefetch(command: &chatlife_command) -> Option<&str> {
    if !chatlife_op::of(command.op).is_ok_and(chatlife_op::reads_conversation) {
        return None;
    }
    // SAFETY: passed on from the caller.
    unsafe { optional_field("conversation", command.conversation) }.ok().flatten()
}

/// One command, through the same core call as its single-call function, with
/// the same checks and the same messages.
///
/// # Safety
/// The strings of `command` follow the header's contract.
unsafe fn apply(core: &mut Engine, command: &chatlife_command) -> Result<(), Failure> {
    let now = command.at;
    let participant_command = |core: &mut Engine, call: ParticipantCommand| {
        // SAFETY (both): the strings of `command` follow the header's contract.
        let conversation = unsafe { field("conversation", command.conversation) }?;
        let participant = unsafe { field("participant", command.participant) }?;
        Ok(call(core, now, conversation, participant)?)
    };
    // SAFETY (every field read below): the strings of `command` follow the
    // header's contract.
    match chatlife_op::of(command.op)? {
        chatlife_op::StartConversation => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let customer = unsafe { field("customer", command.customer) }?;
            let options = StartOptions {
                policy: unsafe { optional_field("policy", command.policy) }?,
                authenticated_as: unsafe { optional_field("authenticated_as", command.authenticated_as) }?,
                display_name: unsafe { optional_field("display_name", command.display_name) }?,
            };
            Ok(core.start_conversation(now, conversation, customer, options)?)
        }
        chatlife_op::Join => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let participant = unsafe { field("participant", command.participant) }?;
            let role: Role = role_arg(command.role)?;
            let display_name = unsafe { optional_field("display_name", command.display_name) }?;
            Ok(core.join(now, conversation, participant, role, display_name)?)
        }
        chatlife_op::Leave => participant_command(core, chatlife::Engine::leave),
        chatlife_op::Message => participant_command(core, chatlife::Engine::message),
        chatlife_op::ConnectionLost => participant_command(core, chatlife::Engine::connection_lost),
        chatlife_op::ConnectionRestored => participant_command(core, chatlife::Engine::connection_restored),
        chatlife_op::End => participant_command(core, chatlife::Engine::end),
        chatlife_op::CloseSession => participant_command(core, chatlife::Engine::close_session),
        chatlife_op::IssueReconnectLink => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            Ok(core.issue_reconnect_link(now, conversation)?)
        }
        chatlife_op::Reconnect => {
            let token = unsafe { optional_field("token", command.token) }?;
            let conversation = unsafe { optional_field("conversation", command.conversation) }?;
            let authenticated_as = unsafe { optional_field("authenticated_as", command.authenticated_as) }?;
            let reconnect = reconnect_command(token, conversation, authenticated_as);
            Ok(core.apply(now, &reconnect)?)
        }
        chatlife_op::ReturningCustomer => {
            let authenticated_as = unsafe { field("authenticated_as", command.authenticated_as) }?;
            Ok(core.returning_customer(now, authenticated_as)?)
        }
        chatlife_op::DeclineReconnect => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let authenticated_as = unsafe { field("authenticated_as", command.authenticated_as) }?;
            Ok(core.decline_reconnect(now, conversation, authenticated_as)?)
        }
        chatlife_op::SetParticipantTimers => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let timers = command.timers.to_settings()?;
            Ok(core.set_participant_timers(now, conversation, timers)?)
        }
        chatlife_op::UpdateParticipantRoleConfig => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let request = json_arg("request", unsafe { field("request_json", command.request_json) }?)?;
            Ok(core.update_participant_role_config(now, conversation, &request)?)
        }
        chatlife_op::SetWait => {
            let conversation = unsafe { field("conversation", command.conversation) }?;
            let wait_for = wait_arg(command.wait_for)?;
            Ok(core.set_wait(now, conversation, wait_for)?)
        }
        chatlife_op::SetAgentCapacity => {
            let agent = unsafe { field("agent", command.agent) }?;
            let capacity = command.capacity_bounded.then_some(command.capacity);
            Ok(core.set_agent_capacity(now, agent, capacity)?)
        }
        chatlife_op::Advance => Ok(core.advance(now)?),
        chatlife_op::Hold => participant_command(core, chatlife::Engine::hold),
        chatlife_op::Resume => participant_command(core, chatlife::Engine::resume),
    }
}

/// An array argument of `len` elements: NULL is allowed only when `len` is 0.
///
/// # Safety
/// A non-NULL `ptr` is valid for reads of `len` elements (header contract).
unsafe fn input_array<'a, T>(name: &'static str, ptr: *const T, len: usize) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    let ptr = required(name, ptr.cast_mut())?;
    // SAFETY: non-NULL, aligned and valid for `len` elements by the caller's
    // contract; C cannot make an array above isize::MAX bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr.as_ptr(), len) })
}

/// An output array of `len` elements: NULL is allowed only when `len` is 0.
fn output_array<T>(name: &'static str, ptr: *mut T, len: usize) -> Result<*mut T, Failure> {
    if len == 0 {
        return Ok(ptr);
    }
    required(name, ptr).map(|p| p.as_ptr())
}

/// Applies `commands_len` commands in order, then moves up to `events_cap`
/// pending events (oldest first) into `events_out`: one call for a whole
/// batch. A refused command does not stop the batch, exactly as when each is
/// applied by its single-call function, one after the other.
///
/// - `statuses_out[i]` receives the status of `commands[i]`: what its
///   single-call function would have returned.
/// - `command_errors_out` is optional (NULL: statuses only). When given, it
///   has `commands_len` entries; `command_errors_out[i]` receives NULL for an
///   accepted command, or a new `chatlife_error` for a refused one, with the
///   message its single-call function would have given. Free each.
/// - `*events_len_out` receives how many events were written to `events_out`,
///   `*events_pending_out` how many are still waiting: take them with another
///   call (`commands_len` 0 only drains) or with `chatlife_poll_event`.
///
/// `commands` and `statuses_out` may be NULL when `commands_len` is 0, and
/// `events_out` when `events_cap` is 0. The views of the events written live
/// until the next `chatlife_apply_many` or `chatlife_poll_event` on the same
/// engine, or `chatlife_engine_free`.
///
/// The call itself fails only for its own arguments (a NULL pointer, an
/// engine chatlife panicked in): then no command is applied and nothing is
/// written but `*error_out`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_apply_many(
    engine: *mut chatlife_engine,
    commands: *const chatlife_command,
    commands_len: usize,
    statuses_out: *mut chatlife_status,
    command_errors_out: *mut *mut chatlife_error,
    events_out: *mut chatlife_event,
    events_cap: usize,
    events_len_out: *mut usize,
    events_pending_out: *mut usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract: NULL or a live engine used by one thread.
        let engine = unsafe { engine_mut(engine) }?;
        // SAFETY: header contract: a non-NULL array holds `commands_len` commands.
        let commands = unsafe { input_array("commands", commands, commands_len) }?;
        let statuses_out = output_array("statuses_out", statuses_out, commands_len)?;
        let events_out = output_array("events_out", events_out, events_cap)?;
        let events_len_out = required("events_len_out", events_len_out)?;
        let events_pending_out = required("events_pending_out", events_pending_out)?;
        engine.usable()?;

        // Everything is collected first and written out at the end, so a
        // panic in the middle leaves the caller's buffers untouched.
        let mut statuses = std::mem::take(&mut engine.statuses);
        statuses.clear();
        let mut errors: Vec<Option<Box<chatlife_error>>> = Vec::new();
        let outcomes = engine.run(|core| {
            Ok(core.apply_in_windows(
                commands,
                // SAFETY (both): the strings of each command follow the header's contract.
                |command| unsafe { conversation_to_prefetch(command) },
                |core, command| unsafe { apply(core, command) },
            ))
        })?;
        for outcome in outcomes {
            statuses.push(outcome.as_ref().map_or_else(Failure::status, |_| chatlife_status::Ok));
            if !command_errors_out.is_null() {
                errors.push(outcome.err().map(Failure::into_error));
            }
        }
        engine.forget_shown_events();
        let mut shown = std::mem::take(&mut engine.drained);
        let pending = engine.run(|core| {
            while shown.len() < events_cap {
                match core.poll_event() {
                    Some(event) => shown.push(PolledEvent::new(event)),
                    None => break,
                }
            }
            Ok(core.pending_events())
        })?;
        engine.drained = shown;

        // SAFETY: every output is non-NULL when it has elements to receive
        // (checked above) and, by the header's contract, writable for its
        // length; `statuses` has `commands_len` entries, `errors` too when
        // it was filled, `drained` at most `events_cap`.
        unsafe {
            if !statuses.is_empty() {
                std::ptr::copy_nonoverlapping(statuses.as_ptr(), statuses_out, statuses.len());
            }
            for (i, error) in errors.into_iter().enumerate() {
                command_errors_out.add(i).write(error.map_or(std::ptr::null_mut(), Box::into_raw));
            }
            for (i, polled) in engine.drained.iter().enumerate() {
                events_out.add(i).write(polled.view());
            }
            events_len_out.as_ptr().write(engine.drained.len());
            events_pending_out.as_ptr().write(pending);
        }
        engine.statuses = statuses;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_numbers_follow_the_core_list() {
        assert_eq!(chatlife_op::ALL.len(), chatlife::OPS.len(), "every op of the core has a number");
        for (i, (op, name)) in chatlife_op::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(chatlife::OPS[i], *name);
        }
        assert!(chatlife_op::of(19).is_err());
    }
}
