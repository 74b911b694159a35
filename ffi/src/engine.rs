//! `chatlife_engine` and one function per command up to `resume`; later ones
//! reach C by `chatlife_apply_many` and `chatlife_apply_json` (docs/decisions.md).

use std::ffi::c_char;

use chatlife::{Command, Engine, TimedCommand};

use crate::boundary::{required, text};
use crate::error::{chatlife_error, Failure};
use crate::event::{chatlife_timers, PolledEvent};
use crate::status::chatlife_status;

/// One chat lifecycle engine: its conversations, timers and pending events.
/// Opaque; made by `chatlife_engine_new` or `chatlife_engine_from_snapshot`,
/// freed by `chatlife_engine_free`.
pub struct chatlife_engine {
    core: Engine,
    /// The event last returned by `chatlife_poll_event`, whose views C holds.
    pub(crate) polled: Option<PolledEvent>,
    /// The events the last `chatlife_apply_many` wrote, whose views C holds.
    pub(crate) drained: Vec<PolledEvent>,
    /// Set while core code runs. It stays set if that code panicked, and the
    /// engine is refused from then on: it may be half-updated.
    busy: bool,
}

impl chatlife_engine {
    /// A new engine around `core`, handed to C with `Box::into_raw`.
    pub(crate) fn boxed(core: Engine) -> Box<chatlife_engine> {
        Box::new(chatlife_engine { core, polled: None, drained: Vec::new(), busy: false })
    }

    /// Runs one core call, marking the engine unusable if the call panics.
    pub(crate) fn run<T>(
        &mut self,
        call: impl FnOnce(&mut Engine) -> Result<T, chatlife::Error>,
    ) -> Result<T, Failure> {
        self.usable()?;
        self.busy = true;
        let result = call(&mut self.core);
        self.busy = false;
        result.map_err(Failure::from)
    }

    /// Refuses an engine that chatlife panicked inside.
    pub(crate) fn usable(&self) -> Result<(), Failure> {
        if self.busy {
            return Err(Failure::new(
                chatlife_status::Panic,
                "engine: unusable since chatlife panicked inside it; free it".into(),
            ));
        }
        Ok(())
    }

    /// Drops the events C was shown: every call that hands out new events
    /// does this first, so one rule says how long views live.
    pub(crate) fn forget_shown_events(&mut self) {
        self.polled = None;
        self.drained.clear();
    }
}

/// The engine behind a C pointer.
///
/// # Safety
/// `engine` is NULL or came from `chatlife_engine_new`, is not freed, and is
/// used by one thread at a time (the header's contract).
pub(crate) unsafe fn engine_mut<'a>(engine: *mut chatlife_engine) -> Result<&'a mut chatlife_engine, Failure> {
    // SAFETY: per the contract above, a non-NULL pointer is a live, unaliased engine.
    unsafe { engine.as_mut() }.ok_or_else(|| Failure::null_argument("engine"))
}

/// A participant role (docs/rules.md §2), passed as a `uint32_t`: any other number is
/// refused with `CHATLIFE_STATUS_INVALID_ARGUMENT`.
#[repr(u32)]
pub enum chatlife_role {
    Customer = 0,
    Agent = 1,
    Supervisor = 2,
    Bot = 3,
}

/// What a flow's Wait block waits for (docs/rules.md R-T9), passed as a `uint32_t`.
#[repr(u32)]
pub enum chatlife_wait_for {
    None = 0,
    Customer = 1,
    Bot = 2,
}

/// Makes an engine from configuration JSON (docs/rules.md §8; `"{}"` is valid). On
/// success `*engine_out` owns the engine: free it with `chatlife_engine_free`.
/// A bad configuration fails with `CHATLIFE_STATUS_INVALID_CONFIG` and a
/// message naming the JSON path.
#[no_mangle]
pub unsafe extern "C" fn chatlife_engine_new(
    config_json: *const c_char,
    config_json_len: usize,
    engine_out: *mut *mut chatlife_engine,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract for string arguments.
        let config = unsafe { text("config_json", config_json, config_json_len) }?;
        let engine_out = required("engine_out", engine_out)?;
        let engine = chatlife_engine::boxed(Engine::from_json(config)?);
        // SAFETY: non-NULL and, by contract, writable; the caller owns the engine.
        unsafe { engine_out.as_ptr().write(Box::into_raw(engine)) };
        Ok(())
    })
}

/// Frees an engine and every view it handed out. NULL is fine; freeing the
/// same engine twice is not.
#[no_mangle]
pub unsafe extern "C" fn chatlife_engine_free(engine: *mut chatlife_engine) {
    ffi_boundary!(value, (), {
        if !engine.is_null() {
            // SAFETY: a non-NULL `engine` came from `Box::into_raw` in
            // `chatlife_engine_new` or `chatlife_engine_from_snapshot` and,
            // by contract, is not freed yet.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

/// `start_conversation`: a new conversation whose customer joins with it.
/// `policy`, `authenticated_as` and `display_name` are optional (NULL: absent).
#[no_mangle]
pub unsafe extern "C" fn chatlife_start_conversation(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    customer: *const c_char,
    customer_len: usize,
    policy: *const c_char,
    policy_len: usize,
    authenticated_as: *const c_char,
    authenticated_as_len: usize,
    display_name: *const c_char,
    display_name_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, StartConversation {
        conversation conversation_len, customer customer_len, policy policy_len,
        authenticated_as authenticated_as_len, display_name display_name_len,
    })
}

/// `join`: `role` is a `chatlife_role`; `display_name` is optional.
#[no_mangle]
pub unsafe extern "C" fn chatlife_join(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    role: u32,
    display_name: *const c_char,
    display_name_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Join {
        conversation conversation_len, participant participant_len, role, display_name display_name_len,
    })
}

/// `leave`: the participant leaves the conversation.
#[no_mangle]
pub unsafe extern "C" fn chatlife_leave(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Leave { conversation conversation_len, participant participant_len })
}

/// `message`: the participant sent a message (resets their timers, R-T6).
#[no_mangle]
pub unsafe extern "C" fn chatlife_message(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Message { conversation conversation_len, participant participant_len })
}

/// `connection_lost`: the participant's transport dropped; the grace starts.
#[no_mangle]
pub unsafe extern "C" fn chatlife_connection_lost(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, ConnectionLost { conversation conversation_len, participant participant_len })
}

/// `connection_restored`: the transport came back within the grace.
#[no_mangle]
pub unsafe extern "C" fn chatlife_connection_restored(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, ConnectionRestored {
        conversation conversation_len, participant participant_len,
    })
}

/// `end`: the End button; a customer's end is "closed the chat window".
#[no_mangle]
pub unsafe extern "C" fn chatlife_end(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, End { conversation conversation_len, participant participant_len })
}

/// `close_session`: the agent closes the session window.
#[no_mangle]
pub unsafe extern "C" fn chatlife_close_session(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, CloseSession { conversation conversation_len, participant participant_len })
}

/// `hold`: the assigned agent parks an active conversation (docs/rules.md §14, H1).
/// Refused with `CHATLIFE_STATUS_INVALID_STATE` when its policy does not
/// enable hold, it is not active or already on hold, its customer has left,
/// or `participant` is not its assigned agent.
#[no_mangle]
pub unsafe extern "C" fn chatlife_hold(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Hold { conversation conversation_len, participant participant_len })
}

/// `resume`: the assigned agent ends the hold (H2). Refused as `hold` is,
/// when not on hold, and with `CHATLIFE_STATUS_CAPACITY_EXCEEDED` when taking
/// the units back would put the agent above capacity.
#[no_mangle]
pub unsafe extern "C" fn chatlife_resume(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    participant: *const c_char,
    participant_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Resume { conversation conversation_len, participant participant_len })
}

/// `issue_reconnect_link`: emits `reconnect_link_issued` with the URL and token.
#[no_mangle]
pub unsafe extern "C" fn chatlife_issue_reconnect_link(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, IssueReconnectLink { conversation conversation_len })
}

/// `reconnect`: by link, give `token` (and `authenticated_as` if the chat
/// started signed in); by the prompt, give `conversation` and
/// `authenticated_as`. All three are optional here (NULL: absent) so that the
/// engine, not this binding, decides which combinations are valid, with the
/// same messages as every other language.
#[no_mangle]
pub unsafe extern "C" fn chatlife_reconnect(
    engine: *mut chatlife_engine,
    now: u64,
    token: *const c_char,
    token_len: usize,
    conversation: *const c_char,
    conversation_len: usize,
    authenticated_as: *const c_char,
    authenticated_as_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Reconnect {
        token token_len, conversation conversation_len, authenticated_as authenticated_as_len,
    })
}

/// `returning_customer`: a signed-in customer is back; emits
/// `reconnect_offered` per conversation they may resume, or `no_reconnect_offer`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_returning_customer(
    engine: *mut chatlife_engine,
    now: u64,
    authenticated_as: *const c_char,
    authenticated_as_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, ReturningCustomer { authenticated_as authenticated_as_len })
}

/// `decline_reconnect`: the customer declines the reconnect prompt.
#[no_mangle]
pub unsafe extern "C" fn chatlife_decline_reconnect(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    authenticated_as: *const c_char,
    authenticated_as_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, DeclineReconnect {
        conversation conversation_len, authenticated_as authenticated_as_len,
    })
}

/// `set_participant_timers`: stores the conversation's four timers (R-T4);
/// `*timers` is read, not kept. A field of 0 turns that timer off; any other
/// value must be 2–480 minutes.
#[no_mangle]
pub unsafe extern "C" fn chatlife_set_participant_timers(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    timers: *const chatlife_timers,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, SetParticipantTimers { conversation conversation_len, timers })
}

/// `update_participant_role_config`: Amazon Connect's request body as JSON
/// text (`{"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [...]}}}`, CFG4).
#[no_mangle]
pub unsafe extern "C" fn chatlife_update_participant_role_config(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    request_json: *const c_char,
    request_json_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, UpdateParticipantRoleConfig {
        conversation conversation_len, request: request_json request_json_len,
    })
}

/// `set_wait`: `wait_for` is a `chatlife_wait_for`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_set_wait(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    wait_for: u32,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, SetWait { conversation conversation_len, wait_for })
}

/// `set_agent_capacity`: the agent's capacity in units; `capacity` NULL
/// means unbounded. `*capacity` is read, not kept.
#[no_mangle]
pub unsafe extern "C" fn chatlife_set_agent_capacity(
    engine: *mut chatlife_engine,
    now: u64,
    agent: *const c_char,
    agent_len: usize,
    capacity: *const u32,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, SetAgentCapacity { agent agent_len, capacity })
}

/// `advance`: fires every timer due at or before `now` (docs/rules.md T3).
#[no_mangle]
pub unsafe extern "C" fn chatlife_advance(
    engine: *mut chatlife_engine,
    now: u64,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_command!(engine, now, error_out, Advance {})
}

/// The earliest pending timer deadline (docs/rules.md T5): sleep until then or the
/// next command, then call `chatlife_advance`. On success
/// `*has_deadline_out` says whether a timer is pending, and only then is
/// `*deadline_out` written.
#[no_mangle]
pub unsafe extern "C" fn chatlife_next_deadline(
    engine: *mut chatlife_engine,
    deadline_out: *mut u64,
    has_deadline_out: *mut bool,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract for engines.
        let engine = unsafe { engine_mut(engine) }?;
        let deadline_out = required("deadline_out", deadline_out)?;
        let has_deadline_out = required("has_deadline_out", has_deadline_out)?;
        let deadline = engine.run(|core| Ok(core.next_deadline()))?;
        // SAFETY: both outputs are non-NULL and, by contract, writable.
        unsafe {
            if let Some(deadline) = deadline {
                deadline_out.as_ptr().write(deadline);
            }
            has_deadline_out.as_ptr().write(deadline.is_some());
        }
        Ok(())
    })
}

/// Applies one command given as JSON text, `{"op": "join", "conversation":
/// ...}`, in the form of docs/rules.md §9 and §11 without `at`: the time is `now`.
/// Errors are those of the typed function for the same command, plus
/// `CHATLIFE_STATUS_INVALID_ARGUMENT` for JSON that is not a command.
#[no_mangle]
pub unsafe extern "C" fn chatlife_apply_json(
    engine: *mut chatlife_engine,
    now: u64,
    command_json: *const c_char,
    command_json_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY (both): header contract for engines and string arguments.
        let engine = unsafe { engine_mut(engine) }?;
        let json = unsafe { text("command_json", command_json, command_json_len) }?;
        let command = Command::from_json(json)?;
        engine.run(|core| core.apply(now, &command))
    })
}

/// Checks a timed command as batches and scenario files write it, `{"at":
/// "5s", "op": ...}` (`at` in integer ms or a duration string), without
/// applying it: a host can refuse a malformed request before queueing it.
/// On success writes its time in ms to `*at_out`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_check_timed_command_json(
    command_json: *const c_char,
    command_json_len: usize,
    at_out: *mut u64,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract for string arguments.
        let json = unsafe { text("command_json", command_json, command_json_len) }?;
        let at_out = required("at_out", at_out)?;
        let command = TimedCommand::from_json(json)?;
        // SAFETY: non-NULL and, by contract, writable.
        unsafe { at_out.as_ptr().write(command.at) };
        Ok(())
    })
}

/// Parses a duration string of docs/rules.md T6 (`"500ms"`, `"90s"`, `"1h30m"`) into
/// milliseconds, written to `*ms_out` on success.
#[no_mangle]
pub unsafe extern "C" fn chatlife_parse_duration(
    duration: *const c_char,
    duration_len: usize,
    ms_out: *mut u64,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract for string arguments.
        let duration = unsafe { text("duration", duration, duration_len) }?;
        let ms_out = required("ms_out", ms_out)?;
        let ms = chatlife::parse_duration(duration)
            .map_err(|problem| Failure::invalid_argument(format!("duration: {problem}")))?;
        // SAFETY: non-NULL and, by contract, writable.
        unsafe { ms_out.as_ptr().write(ms) };
        Ok(())
    })
}
