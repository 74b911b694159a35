//! `chatlife_apply_many`: an array of commands and the events they cause in
//! one call, so a host pays the call overhead once per batch instead of once
//! per command and once per event (bench/README.md measures the difference).

use chatlife::Command;

use crate::args::FromC;
use crate::boundary::required;
use crate::engine::{chatlife_engine, engine_mut};
use crate::error::{chatlife_error, Failure};
use crate::event::{chatlife_event, chatlife_timers, PolledEvent};
use crate::status::chatlife_status;
use crate::text::chatlife_str;

/// Which command a `chatlife_command` holds: the `op` of docs/rules.md §9, numbered in
/// the order docs/rules.md §9 lists them, then the ops later versions of the rules added
/// (`hold`, `resume`: §14). Numbers are fixed and never reused. Passed
/// as a `uint32_t`: any other number is refused for that command with
/// `CHATLIFE_STATUS_INVALID_ARGUMENT`.
// A number is the op's position in the core's table (`chatlife::command_table!`),
// from which `command` below is declared: a new command reaches C as one line
// here, and a missing, extra or misnumbered line fails to compile.
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

/// One command of a `chatlife_apply_many` batch: the JSON form of docs/rules.md §9 as
/// a struct. `op` says which fields are read: those of its JSON form (the
/// arguments of its single-call function, where it has one), by the same
/// names, with `request` read as `request_json`, `for` as `wait_for`, and a
/// null `capacity` as `capacity_bounded` false. The others are ignored, so a
/// zero-initialized struct with the fields of its op set is a valid command.
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

/// Declares, from the core's table, `chatlife_op::ALL` and `command`. A field
/// is read from the `chatlife_command` field of its name, except `request`
/// (`request_json`) and `capacity` (with `capacity_bounded`).
macro_rules! c_commands {
    (@read $c:ident request) => { FromC::from_c("request_json", $c.request_json) };
    (@read $c:ident capacity) => { Ok::<_, Failure>($c.capacity_bounded.then_some($c.capacity)) };
    (@read $c:ident $field:ident) => { FromC::from_c(stringify!($field), $c.$field) };
    ($( $(#[doc = $doc:literal])* $variant:ident = $op:literal { $( $need:ident $field:ident : $kind:ident ),* $(,)? } )*) => {
        impl chatlife_op {
            /// Every op, in number order (the table's).
            const ALL: &[chatlife_op] = &[$(chatlife_op::$variant),*];
        }

        /// The core's command for one `chatlife_command`: the fields its op reads,
        /// each read as the single-call function reads its argument, so the checks
        /// and messages are the same.
        ///
        /// # Safety
        /// The strings of `c` follow the header's contract.
        unsafe fn command(c: &chatlife_command) -> Result<Command<'_>, Failure> {
            let op = chatlife_op::ALL.get(c.op as usize);
            let op = op.ok_or_else(|| Failure::invalid_argument(format!("op: {} is not a chatlife_op", c.op)))?;
            // SAFETY: every field read passes on the caller's guarantee.
            unsafe {
                Ok(match op {
                    $( chatlife_op::$variant => Command::$variant { $( $field: c_commands!(@read c $field)? ),* }, )*
                })
            }
        }
    };
}

chatlife::command_table!(c_commands);
numbered_as_core!(chatlife_op::ALL, 0, chatlife::OPS);

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
        // Read before any is applied (reading changes nothing), so the
        // windows prefetch the conversations the core's commands name.
        // SAFETY: the strings of each command follow the header's contract.
        let read: Vec<_> = commands.iter().map(|c| (c.at, unsafe { command(c) })).collect();
        let outcomes = engine.run(|core| {
            Ok(core.apply_in_windows(
                &read,
                |(_, command)| command.as_ref().ok()?.conversation(),
                |core, (at, command)| match command {
                    Ok(command) => core.apply(*at, command).map_err(Failure::from),
                    Err(failure) => Err(failure.clone()),
                },
            ))
        })?;
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
        // length; `outcomes` has `commands_len` entries, `drained` at most
        // `events_cap`. Nothing below can unwind (an allocation that fails
        // aborts), so the outputs are written whole or not at all.
        unsafe {
            for (i, outcome) in outcomes.into_iter().enumerate() {
                statuses_out.add(i).write(outcome.as_ref().map_or_else(|f| f.status, |_| chatlife_status::Ok));
                if !command_errors_out.is_null() {
                    let error = outcome.err().map_or(std::ptr::null_mut(), |f| Box::into_raw(f.into_error()));
                    command_errors_out.add(i).write(error);
                }
            }
            for (i, polled) in engine.drained.iter().enumerate() {
                events_out.add(i).write(polled.view);
            }
            events_len_out.as_ptr().write(engine.drained.len());
            events_pending_out.as_ptr().write(pending);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number after the last op is refused and named; the numbers below
    /// it are the core's table, checked at compile time, and each is compared
    /// with its single call by tests/c/test_batch.c.
    #[test]
    fn an_unknown_op_is_refused() {
        let past = chatlife::OPS.len() as u32;
        // SAFETY: all zero is a valid chatlife_command (absent strings).
        let c = chatlife_command { op: past, ..unsafe { std::mem::zeroed() } };
        // SAFETY: the command holds no string.
        let failure = unsafe { command(&c) }.unwrap_err();
        assert_eq!(failure.message, format!("op: {past} is not a chatlife_op"));
    }
}
