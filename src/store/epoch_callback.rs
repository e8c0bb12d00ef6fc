//! `wasmpool_store_epoch_deadline_callback`: what happens when a store's
//! epoch deadline passes, decided by the host each time (cooperative time
//! slicing, as Spin does: give a guest more ticks a few times, then stop it).

use std::ffi::c_void;
use std::sync::Arc;

use crate::abi::{self, CEnum, HostEnv, HostTrap, raw, wasmpool_error_t, wasmpool_finalizer_t, wasmpool_trap_code_t};
use crate::store::wasmpool_store_t;

/// What a `wasmpool_epoch_deadline_callback_t` asks for.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_epoch_action_t {
    /// Extend the deadline by `*delta` ticks and let the guest go on.
    WASMPOOL_EPOCH_ACTION_CONTINUE = 0,
    /// Async engines (`async_support`): suspend the guest's fiber once (the
    /// calling thread polls it again at once: wasmpool's C API blocks), then
    /// extend the deadline by `*delta` ticks. On other engines the guest
    /// traps with `WASMPOOL_TRAP_HOST` and a message saying so.
    WASMPOOL_EPOCH_ACTION_YIELD = 1,
    /// Stop the guest as a passed deadline without a callback does: the call
    /// fails with `WASMPOOL_ERROR_INTERRUPTED` (trap code
    /// `WASMPOOL_TRAP_INTERRUPT`).
    WASMPOOL_EPOCH_ACTION_INTERRUPT = 2,
}
abi::c_enum!(wasmpool_epoch_action_t, "WASMPOOL_EPOCH_ACTION_");

/// Called when the epoch deadline of a store passes while its guest code
/// runs (see `wasmpool_store_epoch_deadline_callback`), on the thread that
/// runs the guest.
///
/// `env` is the pointer given with the callback; `store_data` is the store's
/// data pointer (`wasmpool_store_data`: NULL for a store made by
/// `wasmpool_store_new`). On entry `*delta` is 1 and `*action` is
/// `WASMPOOL_EPOCH_ACTION_CONTINUE`; the callback may change both. Returning
/// NULL carries out `*action`; `*delta` is the number of ticks from now to
/// the next deadline (0 makes the deadline pass again at the guest's next
/// check, a busy loop).
///
/// To stop the guest with an error of its own, the callback returns an
/// error, as a host function does (for example `wasmpool_trap_new(msg)`, or
/// `wasmpool_trap_new_with_code(WASMPOOL_TRAP_INTERRUPT, msg)` for an
/// INTERRUPTED error with its message); wasmpool takes ownership of it, and
/// the guest's caller receives an error with its message and trap code.
///
/// The callback must not call wasmpool functions on this store or its
/// instances (the store is in use by the guest); other stores and engines
/// are fine.
pub type wasmpool_epoch_deadline_callback_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        store_data: *mut c_void,
        delta: *mut u64,
        action: *mut raw::wasmpool_epoch_action_t,
    ) -> *mut wasmpool_error_t,
>;

/// Asks the host what to do, and tells Wasmtime.
fn decide(
    callback: unsafe extern "C" fn(*mut c_void, *mut c_void, *mut u64, *mut raw::wasmpool_epoch_action_t) -> *mut wasmpool_error_t,
    host: &HostEnv,
    store_data: *mut c_void,
    is_async: bool,
) -> wasmtime::Result<wasmtime::UpdateDeadline> {
    use wasmpool_epoch_action_t as A;
    let mut delta = 1u64;
    let mut action = A::WASMPOOL_EPOCH_ACTION_CONTINUE.to_c();
    // SAFETY: the host gave this callback for this env; both out-pointers
    // are valid for the call.
    let err = unsafe { callback(host.env, store_data, &mut delta, &mut action) };
    if !err.is_null() {
        // SAFETY: a non-NULL return is an owned error handle (documented).
        let err = unsafe { Box::from_raw(err) };
        return Err(err.into_host_error());
    }
    let host_trap = |message: String| wasmtime::Error::new(HostTrap { code: wasmpool_trap_code_t::WASMPOOL_TRAP_HOST, message });
    match A::from_c(action).map_err(|e| host_trap(format!("the epoch deadline callback set `*action` to {action}: {}", e.message)))? {
        A::WASMPOOL_EPOCH_ACTION_CONTINUE => Ok(wasmtime::UpdateDeadline::Continue(delta)),
        A::WASMPOOL_EPOCH_ACTION_YIELD if is_async => Ok(wasmtime::UpdateDeadline::Yield(delta)),
        A::WASMPOOL_EPOCH_ACTION_YIELD => Err(host_trap(
            "the epoch deadline callback asked to yield (WASMPOOL_EPOCH_ACTION_YIELD), which needs an engine with \
             async_support"
                .to_string(),
        )),
        A::WASMPOOL_EPOCH_ACTION_INTERRUPT => Ok(wasmtime::UpdateDeadline::Interrupt),
    }
}

/// Makes `callback` decide what happens each time the epoch deadline of
/// `store` passes (the deadline set with `wasmpool_store_epoch_deadline_set`
/// or `wasmpool_store_deadline_ms_set`), instead of the guest being
/// interrupted at once: it can extend the deadline by some ticks (the guest
/// goes on), yield first on an async engine, interrupt the guest
/// (INTERRUPTED, as without a callback) or fail the call with its own error.
/// See `wasmpool_epoch_deadline_callback_t`.
///
/// `env` (may be NULL) is passed to every call; `finalizer` (may be NULL) is
/// called with it exactly once, when the callback is replaced by another
/// call of this function or removed, or when the store is deleted, on the
/// thread doing that. A NULL `callback` removes the current one (passed
/// deadlines interrupt the guest again); `env` and `finalizer` are then
/// ignored. If this function fails, `finalizer` is not called: `env` stays
/// the caller's. `env` must be usable from whichever thread uses the store.
///
/// Errors: INVALID_ARGUMENT (NULL `store`; the engine lacks epoch
/// interruption).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_epoch_deadline_callback(
    store: *mut wasmpool_store_t,
    callback: wasmpool_epoch_deadline_callback_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        super::require_epochs(store)?;
        let Some(callback) = callback else {
            store.store.epoch_deadline_trap();
            return Ok(());
        };
        let is_async = store.store.data().stacks.is_some();
        let host: Arc<HostEnv> = HostEnv::new(env, finalizer);
        host.arm();
        store.store.epoch_deadline_callback(move |ctx| decide(callback, &host, ctx.data().user_data.0, is_async));
        Ok(())
    })
}
