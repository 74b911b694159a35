//! Test-only exports (cargo feature `test-panic`): they prove the panic
//! boundary from C. The shipped library is built without them.

use crate::engine::{chatlife_engine, engine_mut};
use crate::error::chatlife_error;
use crate::status::chatlife_status;

/// Panics inside the boundary, inside `engine`'s core call when `engine` is
/// not NULL. Returns `CHATLIFE_STATUS_PANIC`; the engine is unusable after.
#[no_mangle]
pub unsafe extern "C" fn chatlife_test_panic(
    engine: *mut chatlife_engine,
    error_out: *mut *mut chatlife_error,
) -> chatlife_status {
    ffi_boundary!(status, error_out, {
        // SAFETY: header contract: NULL or a live engine used by one thread.
        match unsafe { engine_mut(engine) } {
            Ok(engine) => engine.run(|_| -> Result<(), chatlife::Error> { panic!("chatlife_test_panic, on purpose") }),
            Err(_) => panic!("chatlife_test_panic, on purpose"),
        }
    })
}
