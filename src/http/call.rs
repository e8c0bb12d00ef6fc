//! Serving a request without blocking the caller, for event-loop hosts: the
//! call runs on a thread of wasmpool's runtime, and the host learns that it
//! is done from a file descriptor it can put in its own poll set.
//!
//! Why a thread and not a future polled on the host's thread (as upstream's
//! `wasmtime_call_future_poll`): on a synchronous engine the `wasi:http` and
//! WASI host functions block while they wait for a body or an outgoing
//! response, so a poll on the host's loop would run the guest to completion
//! anyway. (An async engine's guest does yield when it waits; polling it
//! from the host's loop would still run its computing parts there, and the
//! host would need a waker of its own: not done.) A blocking-pool thread
//! keeps the loop free, and the pooled instance (and, on async engines, its
//! pooled fiber stack) is the same as for `wasmpool_http_handle`.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use wasmtime_wasi::runtime::AbortOnDropJoinHandle;

use crate::abi::{self, Boxed, Error, Handle, Result, wasmpool_error_t};
use crate::component::pre::wasmpool_component_pre_t;
use crate::http::handle::serve;
use crate::http::message::{wasmpool_http_request_t, wasmpool_http_response_t};
use crate::store::data::block_on;
use crate::store::wasmpool_store_t;

/// A request being served on a wasmpool thread (`wasmpool_http_handle_start`).
///
/// Owned by the caller: `wasmpool_http_call_delete`. While it runs it uses
/// the pre, store and request it was started with: the host must not use or
/// delete them until `wasmpool_http_call_poll` reported it done (or
/// `wasmpool_http_call_delete` returned). Thread safety: one thread at a
/// time; it may move between threads.
pub struct wasmpool_http_call_t {
    /// Readable (count 1) once the call is done.
    done_fd: OwnedFd,
    state: Arc<CallState>,
    /// The thread's handle, until it has been waited for.
    worker: Option<AbortOnDropJoinHandle<()>>,
    collected: bool,
}

impl Handle for wasmpool_http_call_t {
    type Ownership = Boxed;
}

struct CallState {
    /// The answer, once the worker has one.
    answer: Mutex<Option<Result<wasmpool_http_response_t>>>,
}

/// The borrowed arguments, moved to the worker; the caller promises not to
/// touch them until the call is done (documented on the start function).
struct Borrowed {
    pre: *const wasmpool_component_pre_t,
    store: *mut wasmpool_store_t,
    request: *const wasmpool_http_request_t,
}

// SAFETY: the host hands these to the worker for the duration of the call
// and uses none of them meanwhile; a store may move between threads between
// calls, a pre may be shared, and the request is read by one thread.
unsafe impl Send for Borrowed {}

fn eventfd() -> Result<OwnedFd> {
    // SAFETY: plain system call; the descriptor is owned from here on.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        let e = std::io::Error::last_os_error();
        return Err(Error::new(abi::wasmpool_error_kind_t::WASMPOOL_ERROR_IO, format!("cannot make an eventfd: {e}")));
    }
    // SAFETY: a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn signal(fd: libc::c_int) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live u64 to an eventfd; a full counter
    // (impossible here: written once) would only fail the write.
    unsafe { libc::write(fd, (&raw const one).cast(), 8) };
}

/// Starts serving `request` with a new instance of `pre` in `store`, as
/// `wasmpool_http_handle` does, on a thread of wasmpool's runtime, and
/// writes the call to `*out` at once (owned by the caller:
/// `wasmpool_http_call_delete`). The caller's thread never runs the guest.
///
/// `pre`, `store` and `request` are borrowed by the call until it is done:
/// do not use or delete them before `wasmpool_http_call_poll` says so (or
/// `wasmpool_http_call_delete` returned). A streamed request body's reader
/// runs on the call's thread. Use `wasmpool_http_call_fd` to wait in an
/// event loop.
///
/// Errors: INVALID_ARGUMENT (NULL argument); IO (no eventfd). Errors of the
/// request itself come from `wasmpool_http_call_poll`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_handle_start(
    pre: *const wasmpool_component_pre_t,
    store: *mut wasmpool_store_t,
    request: *const wasmpool_http_request_t,
    out: *mut *mut wasmpool_http_call_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_ref(pre, "pre")?;
        abi::arg_mut(store, "store")?;
        abi::arg_ref(request, "request")?;
        let out = abi::out(out, "out")?;
        let done_fd = eventfd()?;
        let state = Arc::new(CallState { answer: Mutex::new(None) });
        let args = Borrowed { pre, store, request };
        let (worker_state, fd) = (state.clone(), done_fd.as_raw_fd());
        let worker = wasmtime_wasi::runtime::spawn_blocking(move || {
            let args = args;
            // SAFETY: checked non-NULL above; borrowed until the call is done (caller contract).
            let run = || unsafe { serve(&*args.pre, &mut *args.store, &*args.request, None) };
            let answer = catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|p| Err(Error::panic(p)));
            *worker_state.answer.lock().unwrap_or_else(PoisonError::into_inner) = Some(answer);
            // The descriptor outlives the worker: delete waits for the worker before closing it.
            signal(fd);
        });
        out.write(abi::into_boxed(wasmpool_http_call_t { done_fd, state, worker: Some(worker), collected: false }));
        Ok(())
    })
}

/// A file descriptor that becomes readable when `call` is done (an
/// eventfd: poll it for reading; it stays readable; the host must not
/// read or close it). Valid until `call` is deleted. -1 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_call_fd(call: *const wasmpool_http_call_t) -> libc::c_int {
    abi::guard_value(-1, || abi::opt_ref(call).map_or(-1, |c| c.done_fd.as_raw_fd()))
}

/// Whether `call` is done, without waiting: `*done` = false while the guest
/// runs (nothing else written, NULL returned). Once done, `*done` = true and
/// the call's outcome is handed over, once: on success the response goes to
/// `*response` (owned by the caller: `wasmpool_http_response_delete`) and
/// NULL is returned; on failure the request's error is returned (the kinds
/// of `wasmpool_http_handle`) and `*response` is not written. From then on
/// the pre, store and request are the caller's again.
///
/// Errors: INVALID_ARGUMENT (NULL argument; the outcome was already
/// collected); the request's own errors.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_call_poll(
    call: *mut wasmpool_http_call_t,
    done: *mut bool,
    response: *mut *mut wasmpool_http_response_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let call = abi::arg_mut(call, "call")?;
        let done = abi::out(done, "done")?;
        let response = abi::out(response, "response")?;
        if call.collected {
            return Err(Error::invalid("the call's outcome was already collected by an earlier poll"));
        }
        let Some(answer) = call.state.answer.lock().unwrap_or_else(PoisonError::into_inner).take() else {
            done.write(false);
            return Ok(());
        };
        call.collected = true;
        done.write(true);
        // The worker has stored its answer and signalled: let it finish before the host reuses the store.
        if let Some(worker) = call.worker.take() {
            block_on(worker);
        }
        response.write(abi::into_boxed(answer?));
        Ok(())
    })
}

/// Releases `call`. A call still running is waited for first (its response,
/// if never collected, is deleted). NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_http_call_delete(call: *mut wasmpool_http_call_t) {
    abi::guard_value((), || {
        if let Some(c) = abi::opt_ref(call.cast_const())
            && c.worker.is_some()
        {
            // SAFETY: non-NULL and the caller's to delete; waited for before it is freed.
            let c = unsafe { &mut *call };
            if let Some(worker) = c.worker.take() {
                block_on(worker);
            }
        }
        // SAFETY: a handle from wasmpool_http_handle_start, deleted once.
        unsafe { abi::delete(call) }
    })
}
