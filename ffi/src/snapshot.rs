//! Durable state: a whole engine as snapshot bytes, and one conversation
//! moved between engines, as bytes the caller owns until `chatlife_bytes_free`.

use std::ffi::c_char;

use chatlife::Engine;

use crate::boundary::{bytes, required, text};
use crate::engine::{chatlife_engine, engine_mut};
use crate::error::chatlife_error;
use crate::status::chatlife_status;

/// Bytes chatlife made for the caller: a snapshot or an exported
/// conversation (versioned JSON; store them as they are). The caller owns
/// them and frees them with `chatlife_bytes_free`, which needs `data` and
/// `len` as chatlife wrote them. An empty `chatlife_bytes` holds nothing:
/// `chatlife_bytes b = {NULL, 0};` starts one, and `chatlife_bytes_free`
/// leaves one.
#[repr(C)]
#[derive(Debug)]
pub struct chatlife_bytes {
    pub data: *mut u8,
    pub len: usize,
}

impl chatlife_bytes {
    /// Hands `bytes` over to C; `chatlife_bytes_free` takes them back.
    fn owning(bytes: Vec<u8>) -> chatlife_bytes {
        let len = bytes.len();
        let data = Box::into_raw(bytes.into_boxed_slice()).cast::<u8>();
        chatlife_bytes { data, len }
    }

    const EMPTY: chatlife_bytes = chatlife_bytes { data: std::ptr::null_mut(), len: 0 };
}

/// Everything the engine holds (configuration, clock, conversations, every
/// timer with its deadline and order, capacity, the token stream; token
/// digests, never tokens) as bytes to keep and later continue from with
/// `chatlife_restore` or `chatlife_engine_from_snapshot`. On success
/// `*snapshot_out` receives bytes the caller owns: free them with
/// `chatlife_bytes_free`.
///
/// Events not yet polled are not part of a snapshot, so an engine restored
/// from it never emits them: poll every pending event first
/// (`chatlife_poll_event` until `*has_event_out` is false, or
/// `chatlife_apply_many` without commands until `*events_pending_out` is 0).
#[no_mangle]
pub unsafe extern "C" fn chatlife_snapshot(
    engine: *mut chatlife_engine,
    snapshot_out: *mut chatlife_bytes,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract: NULL or a live engine used by one thread.
        let engine = unsafe { engine_mut(engine) }?;
        let snapshot_out = required("snapshot_out", snapshot_out)?;
        let snapshot = chatlife_bytes::owning(engine.run(|core| Ok(core.snapshot()))?);
        // SAFETY: non-NULL and, by contract, writable; the caller owns the bytes.
        unsafe { snapshot_out.as_ptr().write(snapshot) };
        Ok(())
    })
}

/// Replaces the engine's whole state with a snapshot's: from then on it
/// emits exactly the events the engine the snapshot was taken of would have.
/// Events this engine had not yet given out are dropped with the rest of its
/// state; views of events already polled stay valid as usual.
///
/// Bytes that are not a snapshot this library reads (corrupted, truncated,
/// from a newer version) fail with `CHATLIFE_STATUS_INVALID_ARGUMENT` and a
/// message naming what is wrong (`snapshot.schema_version: ...`), and the
/// engine is left exactly as it was.
#[no_mangle]
pub unsafe extern "C" fn chatlife_restore(
    engine: *mut chatlife_engine,
    snapshot: *const u8,
    snapshot_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY (both): header contract for engines and byte arguments.
        let engine = unsafe { engine_mut(engine) }?;
        let snapshot = unsafe { bytes("snapshot", snapshot, snapshot_len) }?;
        engine.run(|core| core.restore(snapshot))
    })
}

/// A new engine continuing from a snapshot, as `chatlife_restore` would make
/// one. On success `*engine_out` owns the engine: free it with
/// `chatlife_engine_free`. Bytes that are not a snapshot this library reads
/// fail as in `chatlife_restore`.
#[no_mangle]
pub unsafe extern "C" fn chatlife_engine_from_snapshot(
    snapshot: *const u8,
    snapshot_len: usize,
    engine_out: *mut *mut chatlife_engine,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract for byte arguments.
        let snapshot = unsafe { bytes("snapshot", snapshot, snapshot_len) }?;
        let engine_out = required("engine_out", engine_out)?;
        let engine = chatlife_engine::boxed(Engine::from_snapshot(snapshot)?);
        // SAFETY: non-NULL and, by contract, writable; the caller owns the engine.
        unsafe { engine_out.as_ptr().write(Box::into_raw(engine)) };
        Ok(())
    })
}

/// Moves a conversation out of the engine, for `chatlife_import_conversation`
/// on another one. Timers due at or before `now` fire first, as for any
/// command, and the agent's units are released here (`capacity_changed`).
/// On success `*conversation_bytes_out` receives bytes the caller owns (free
/// them with `chatlife_bytes_free`) and the conversation is gone from this
/// engine: keep the bytes until the import succeeded.
#[no_mangle]
pub unsafe extern "C" fn chatlife_export_conversation(
    engine: *mut chatlife_engine,
    now: u64,
    conversation: *const c_char,
    conversation_len: usize,
    conversation_bytes_out: *mut chatlife_bytes,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY (both): header contract for engines and string arguments.
        let engine = unsafe { engine_mut(engine) }?;
        let conversation = unsafe { text("conversation", conversation, conversation_len) }?;
        // Checked before the export: once it ran, the conversation exists only
        // in the bytes, and they must reach the caller.
        let conversation_bytes_out = required("conversation_bytes_out", conversation_bytes_out)?;
        let exported = engine.run(|core| core.export_conversation(now, conversation))?;
        // SAFETY: non-NULL and, by contract, writable; the caller owns the bytes.
        unsafe { conversation_bytes_out.as_ptr().write(chatlife_bytes::owning(exported)) };
        Ok(())
    })
}

/// Takes in a conversation `chatlife_export_conversation` moved out of
/// another engine whose configuration has a policy of the same name. Its
/// timers keep their deadlines (none may be before `now`) and its agent
/// holds its units here again. Bytes that are not an exported conversation
/// this library reads fail with `CHATLIFE_STATUS_INVALID_ARGUMENT`
/// (`conversation_bytes: ...`); an id already in use, a missing policy or
/// a full agent fail with their own status. On failure nothing changes.
#[no_mangle]
pub unsafe extern "C" fn chatlife_import_conversation(
    engine: *mut chatlife_engine,
    now: u64,
    conversation_bytes: *const u8,
    conversation_bytes_len: usize,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY (both): header contract for engines and byte arguments.
        let engine = unsafe { engine_mut(engine) }?;
        let conversation_bytes = unsafe { bytes("conversation_bytes", conversation_bytes, conversation_bytes_len) }?;
        engine.run(|core| core.import_conversation(now, conversation_bytes))
    })
}

/// Frees the bytes of a `chatlife_bytes` and empties it. NULL is fine, and
/// so is an empty `chatlife_bytes`, so freeing the same one twice is
/// harmless; freeing a copy of it as well is not.
#[no_mangle]
pub unsafe extern "C" fn chatlife_bytes_free(bytes: *mut chatlife_bytes) {
    ffi_boundary!(value, (), {
        // SAFETY: NULL or, by contract, a readable and writable chatlife_bytes.
        if let Some(bytes) = unsafe { bytes.as_mut() } {
            if !bytes.data.is_null() {
                let owned = std::ptr::slice_from_raw_parts_mut(bytes.data, bytes.len);
                // SAFETY: a non-empty chatlife_bytes holds what
                // `chatlife_bytes::owning` made with `Box::into_raw`, with the
                // same length (the contract), and it is emptied below, so
                // it is freed once.
                drop(unsafe { Box::from_raw(owned) });
            }
            *bytes = chatlife_bytes::EMPTY;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_through_c_ownership() {
        let mut bytes = chatlife_bytes::owning(b"{\"schema_version\":1}".to_vec());
        // SAFETY: `owning` made `len` bytes at `data`.
        assert_eq!(unsafe { std::slice::from_raw_parts(bytes.data, bytes.len) }, b"{\"schema_version\":1}");
        // SAFETY: `bytes` came from `owning`; freeing twice is allowed.
        unsafe {
            chatlife_bytes_free(&mut bytes);
            assert!(bytes.data.is_null() && bytes.len == 0);
            chatlife_bytes_free(&mut bytes);
            chatlife_bytes_free(std::ptr::null_mut());
        }
        let mut empty = chatlife_bytes::owning(Vec::new());
        assert!(!empty.data.is_null(), "an empty output is still owned, so it is told from an empty struct");
        // SAFETY: as above.
        unsafe { chatlife_bytes_free(&mut empty) };
    }
}
