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

/// A way for the crate's own tests to prove the panic boundary: in the
/// unit-test build, `panic_next_call()` makes the calling thread's next export
/// panic inside its guard (thread-local, so tests running in parallel on other
/// threads are not hit). Outside `cfg(test)` the hook compiles to nothing, so
/// no build of the library carries it.
pub(crate) mod test_hooks {
    #[cfg(test)]
    thread_local! {
        static PANIC_NEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Arms the hook: the calling thread's next call that enters a guard
    /// panics there.
    #[cfg(test)]
    pub(crate) fn panic_next_call() {
        PANIC_NEXT.with(|p| p.set(true));
    }

    #[inline(always)]
    pub(crate) fn maybe_panic() {
        #[cfg(test)]
        if PANIC_NEXT.with(|p| p.replace(false)) {
            panic!("injected by the test hook");
        }
    }
}

#[cfg(test)]
#[path = "panic_boundary_tests.rs"]
mod panic_boundary_tests;
