//! The panic boundary. Every export runs its body inside exactly one of the
//! two guards below, so no Rust panic unwinds into C: it becomes a
//! `WASMPOOL_ERROR_PANIC` error, or the documented default of a function that
//! returns no error.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use super::error::{Error, Result, wasmpool_error_t};

/// Runs a fallible export body. `Ok` becomes NULL, `Err` an owned error
/// handle, a panic a `WASMPOOL_ERROR_PANIC` error.
pub(crate) fn guard<F>(body: F) -> *mut wasmpool_error_t
where
    F: FnOnce() -> Result<()>,
{
    match catch_unwind(AssertUnwindSafe(|| {
        test_hooks::maybe_panic();
        body()
    })) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(err)) => err.into_raw(),
        Err(payload) => Error::panic(payload).into_raw(),
    }
}

/// Runs an export body that cannot report an error (getters, deletes).
/// A panic yields `fallback`, which each export documents.
pub(crate) fn guard_value<T, F>(fallback: T, body: F) -> T
where
    F: FnOnce() -> T,
{
    catch_unwind(AssertUnwindSafe(|| {
        test_hooks::maybe_panic();
        body()
    }))
    .unwrap_or(fallback)
}

/// A way for tests to prove the panic boundary: with the `test-hooks`
/// feature, `panic_next_call()` makes the next export panic inside its guard.
/// Without the feature the hook compiles to nothing.
pub mod test_hooks {
    #[cfg(feature = "test-hooks")]
    static PANIC_NEXT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    /// Arms the hook: the next call that enters a guard panics there.
    #[cfg(feature = "test-hooks")]
    pub fn panic_next_call() {
        PANIC_NEXT.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    #[inline(always)]
    pub(crate) fn maybe_panic() {
        #[cfg(feature = "test-hooks")]
        if PANIC_NEXT.swap(false, std::sync::atomic::Ordering::SeqCst) {
            panic!("injected by the test hook");
        }
    }
}
