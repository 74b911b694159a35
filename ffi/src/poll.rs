//! Taking events out of an engine, one at a time: `chatlife_poll_event` and
//! the canonical JSON of the event it returned.

use crate::boundary::required;
use crate::engine::{chatlife_engine, engine_mut};
use crate::error::{chatlife_error, Failure};
use crate::event::{chatlife_event, PolledEvent};
use crate::status::chatlife_status;
use crate::text::chatlife_str;

/// Takes the oldest event not yet taken. On success `*has_event_out` says
/// whether there was one, and only then is `*event_out` written.
///
/// Polling drops the previously polled event, and the events the last
/// `chatlife_apply_many` wrote: their views become invalid. To take many
/// events in one call, use `chatlife_apply_many` with no commands.
#[no_mangle]
pub unsafe extern "C" fn chatlife_poll_event(
    engine: *mut chatlife_engine,
    event_out: *mut chatlife_event,
    has_event_out: *mut bool,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract: NULL or a live engine used by one thread.
        let engine = unsafe { engine_mut(engine) }?;
        let event_out = required("event_out", event_out)?;
        let has_event_out = required("has_event_out", has_event_out)?;
        let next = engine.run(|core| Ok(core.poll_event()))?;
        engine.forget_shown_events();
        engine.polled = next.map(PolledEvent::new);
        // SAFETY: both outputs are non-NULL and, by contract, writable.
        unsafe {
            if let Some(polled) = &engine.polled {
                event_out.as_ptr().write(polled.view);
            }
            has_event_out.as_ptr().write(engine.polled.is_some());
        }
        Ok(())
    })
}

/// The canonical JSON line (docs/rules.md §10, no newline) of the event the last
/// `chatlife_poll_event` on this engine returned. The view lives as long as
/// that event's views do; `data[len]` is a NUL. `CHATLIFE_STATUS_NO_EVENT`
/// when the last poll found no event, nothing was polled yet, or a
/// `chatlife_apply_many` came after the poll.
#[no_mangle]
pub unsafe extern "C" fn chatlife_event_to_json(
    engine: *mut chatlife_engine,
    json_out: *mut chatlife_str,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract: NULL or a live engine used by one thread.
        let engine = unsafe { engine_mut(engine) }?;
        let json_out = required("json_out", json_out)?;
        let polled = engine.polled.as_mut().ok_or_else(|| {
            Failure::new(chatlife_status::NoEvent, "engine: no polled event to show; call chatlife_poll_event".into())
        })?;
        let line = polled.json_nul.get_or_insert_with(|| {
            let mut line = polled.event.to_json();
            line.push('\0');
            line
        });
        // SAFETY: non-NULL and, by contract, writable.
        unsafe { json_out.as_ptr().write(chatlife_str::of(&line[..line.len() - 1])) };
        Ok(())
    })
}
