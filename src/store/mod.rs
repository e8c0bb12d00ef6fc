//! `wasmpool_store_t`: the unit of isolation and of cleanup. Everything an
//! instance allocates from the pool (memories, tables, instance slots) is
//! owned by its store and goes back to the pool when the store is deleted.
//! Per-store limits, fuel and deadlines live here too.

pub(crate) mod cold_drop;
pub(crate) mod data;
mod epoch_callback;
pub use epoch_callback::{wasmpool_epoch_action_t, wasmpool_epoch_deadline_callback_t, wasmpool_store_epoch_deadline_callback};
pub(crate) mod host_resources;
pub(crate) mod instantiate;
pub(crate) mod refs;
pub use refs::wasmpool_ref_t;
pub use instantiate::{wasmpool_component_pre_instantiate, wasmpool_instance_pre_instantiate, wasmpool_instantiate, wasmpool_linker_instantiate};
mod owned;

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;
use std::time::Duration;

use crate::abi::{self, Boxed, Error, Handle, Result, wasmpool_error_kind_t as K, wasmpool_error_t, wasmpool_finalizer_t};
use crate::component::instance::wasmpool_component_instance_t;
use crate::core::instance::wasmpool_instance_t;
use crate::engine::slots::ReleaseNotice;
use crate::engine::wasmpool_engine_t;
pub(crate) use data::{StoreData, WStore};
pub use data::wasmpool_store_limits_t;
use data::{Stacks, UNLIMITED};
use owned::Owned;

/// A store: a set of instances that live and die together, with their
/// memories, tables and globals, limits, fuel and deadline.
///
/// Create with `wasmpool_store_new`, release with `wasmpool_store_delete`,
/// which frees every instance in it and returns their slots to the pool.
///
/// Thread safety: a store, and every instance in it, must be used by one
/// thread at a time (it may move between threads).
pub struct wasmpool_store_t {
    // Field order is drop order: instance handles first, then the store.
    pub(crate) instances: Owned<wasmpool_instance_t>,
    pub(crate) components: Owned<wasmpool_component_instance_t>,
    pub(crate) store: WStore,
    epoch_interruption: bool,
    tick: Option<Duration>,
    pub(crate) slot_wait: Duration,
    // After the store: the host's data is finalized once its instances are gone.
    #[allow(dead_code, reason = "held for its Drop")]
    user_finalizer: Option<UserFinalizer>,
    // Last: wakes slot waiters once the store above has released its slots.
    // Only engines with a slot wait timeout have waiters (and pay for this).
    pub(crate) release: Option<ReleaseNotice>,
}

impl wasmpool_store_t {
    /// A stable pointer to the Wasmtime store for instance handles.
    pub(crate) fn store_ptr(&mut self) -> NonNull<WStore> {
        NonNull::from(&mut self.store)
    }

    /// Refuses an instantiation the instance limit would refuse, before
    /// Wasmtime does (its own refusal carries no type to classify).
    #[inline]
    pub(crate) fn check_instance_limit(&self) -> Result<()> {
        let limit = self.store.data().limiter.limits.instances;
        if self.instances.len() + self.components.len() >= limit {
            return Err(instance_limit_error(limit));
        }
        Ok(())
    }

    /// Classifies an instantiation failure: a refusal by this store's limits
    /// is LIMIT_EXCEEDED; traps and pool exhaustion keep their kinds.
    #[cold]
    pub(crate) fn instantiate_error(&mut self, err: wasmtime::Error) -> Error {
        let refused = self.store.data_mut().limiter.refused.take();
        let classified = crate::diag::exception::classify(&mut self.store, err, false);
        if classified.kind != K::WASMPOOL_ERROR_OTHER {
            return classified;
        }
        // Wasmtime reports its count limits (tables, memories) with a fixed
        // phrase and no error type; the limiter's own refusals we recorded.
        if refused.is_some() || classified.message.contains("resource limit exceeded") {
            return Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, classified.message);
        }
        classified
    }
}

#[cold]
#[inline(never)]
fn instance_limit_error(limit: usize) -> Error {
    Error::new(
        K::WASMPOOL_ERROR_LIMIT_EXCEEDED,
        format!("the store already holds {} instance(s), its instances limit", limit),
    )
}

impl Handle for wasmpool_store_t {
    type Ownership = Boxed;
}

/// Calls the host's finalizer on its store data when the store handle is
/// dropped (after the Wasmtime store, so after every instance).
struct UserFinalizer {
    data: *mut c_void,
    finalizer: unsafe extern "C" fn(*mut c_void),
}

// SAFETY: see `UserData`: the host's data moves with its store.
unsafe impl Send for UserFinalizer {}

impl Drop for UserFinalizer {
    fn drop(&mut self) {
        // SAFETY: the host gave this finalizer for this data.
        unsafe { (self.finalizer)(self.data) }
    }
}

/// A new store of `engine`, handed to C. Built straight into its box and
/// told its final address there (see `StoreData::home`): a store is made per
/// request, and each move of the handle is a copy of a few hundred bytes.
/// `user`, `finalizer`: see `wasmpool_store_new_with_data` (NULL, None for
/// `wasmpool_store_new`).
fn new_store(engine: &wasmpool_engine_t, user: *mut c_void, finalizer: wasmpool_finalizer_t) -> *mut wasmpool_store_t {
    let knobs = &engine.knobs.engine;
    // The data is built in the call and set up in the store's allocation: a
    // value filled in beforehand would be one more copy of it per store.
    let mut store = wasmtime::Store::new(&engine.engine, StoreData::new());
    let data = store.data_mut();
    if knobs.async_support {
        data.stacks = Some(Stacks { queue: Arc::clone(&engine.slots), wait: Duration::from_millis(knobs.slot_wait_timeout_ms) });
    }
    data.user_data.0 = user;
    store.limiter(|d| &mut d.limiter);
    if knobs.epoch_interruption {
        // Wasmtime's initial deadline is "now", which would interrupt the
        // first call; a store has no deadline until the host sets one.
        store.set_epoch_deadline(NO_DEADLINE);
    }
    let ptr = abi::into_boxed_with(|| wasmpool_store_t {
        instances: Owned::default(),
        components: Owned::default(),
        store,
        epoch_interruption: knobs.epoch_interruption,
        tick: engine.tick_interval(),
        slot_wait: Duration::from_millis(knobs.slot_wait_timeout_ms),
        user_finalizer: finalizer.map(|finalizer| UserFinalizer { data: user, finalizer }),
        release: (knobs.slot_wait_timeout_ms > 0).then(|| ReleaseNotice(Arc::clone(&engine.slots))),
    });
    // SAFETY: just made, not shared yet.
    let handle = unsafe { &mut *ptr };
    let home = crate::core::externs::StoreRef(handle.store_ptr());
    handle.store.data_mut().home = Some(home);
    ptr
}

/// Far enough that the epoch never gets there, near enough not to overflow.
const NO_DEADLINE: u64 = u64::MAX / 2;

/// Creates an empty store in `engine` and writes it to `*out`.
///
/// The store is owned by the caller (`wasmpool_store_delete`); `engine` must
/// outlive it. Creating a store takes no slot from the pool: slots are taken
/// by instantiation. The store starts with no limits of its own, no fuel and
/// no deadline.
///
/// Errors: INVALID_ARGUMENT (NULL `engine` or `out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_new(
    engine: *const wasmpool_engine_t,
    out: *mut *mut wasmpool_store_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let out = abi::out(out, "out")?;
        out.write(new_store(engine, std::ptr::null_mut(), None));
        Ok(())
    })
}

/// Creates an empty store in `engine`, like `wasmpool_store_new`, that
/// carries the host's `data` pointer, and writes it to `*out`.
///
/// `data` is never read by wasmpool: `wasmpool_store_data` returns it, and so
/// does `wasmpool_caller_store_data` in every host function called by a
/// guest of this store. `finalizer` (may be NULL) is called exactly once with
/// `data`, by `wasmpool_store_delete`, after every instance of the store is
/// gone (their memories no longer exist then), on the thread that deletes
/// the store. `data` must be usable from whichever thread uses the store. If
/// this function fails, the finalizer is not called: `data` stays the
/// caller's.
///
/// Errors: INVALID_ARGUMENT (NULL `engine` or `out`; `data` may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_new_with_data(
    engine: *const wasmpool_engine_t,
    data: *mut c_void,
    finalizer: wasmpool_finalizer_t,
    out: *mut *mut wasmpool_store_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let out = abi::out(out, "out")?;
        out.write(new_store(engine, data, finalizer));
        Ok(())
    })
}

/// The `data` pointer `store` was created with by
/// `wasmpool_store_new_with_data`; NULL for a store made by
/// `wasmpool_store_new`, or when `store` is NULL. Borrowed: the host keeps
/// owning what it points to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_data(store: *const wasmpool_store_t) -> *mut c_void {
    abi::guard_value(std::ptr::null_mut(), || {
        abi::opt_ref(store).map_or(std::ptr::null_mut(), |s| s.store.data().user_data.0)
    })
}

/// Releases `store`, every instance in it and their pool slots. NULL is
/// accepted and ignored. Instance handles and memory pointers obtained from
/// the store are invalid afterwards. A store made by
/// `wasmpool_store_new_with_data` then calls its finalizer, once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_delete(store: *mut wasmpool_store_t) {
    unsafe { abi::delete(store) }
}

/// Limits with every field unlimited (`SIZE_MAX`), to start from.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_limits_unlimited() -> wasmpool_store_limits_t {
    abi::guard_value(UNLIMITED, || UNLIMITED)
}

/// Sets the limits of `store` (copied from `*limits`). They apply to
/// instantiations and growth from now on; what exists already is kept.
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_limits_set(
    store: *mut wasmpool_store_t,
    limits: *const wasmpool_store_limits_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let limits = abi::arg_ref(limits, "limits")?;
        store.store.data_mut().limiter.limits = *limits;
        // Wasmtime reads the count limits when the limiter is installed, so
        // install it again for them to take effect.
        store.store.limiter(|d| &mut d.limiter);
        Ok(())
    })
}

/// Writes the limits of `store` to `*out`. Errors: INVALID_ARGUMENT (NULL
/// argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_limits_get(
    store: *const wasmpool_store_t,
    out: *mut wasmpool_store_limits_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_ref(store, "store")?;
        abi::out(out, "out")?.write(store.store.data().limiter.limits);
        Ok(())
    })
}

/// Bytes of linear memory the store's instances hold now (the sum of their
/// memories' current sizes). 0 if `store` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_memory_consumed(store: *const wasmpool_store_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(store).map_or(0, |s| s.store.data().limiter.consumed))
}

fn fuel_error(e: wasmtime::Error) -> Error {
    Error::invalid(format!("{e}; enable it with wasmpool_config_consume_fuel_set"))
}

/// Sets the fuel left in `store` (the engine must consume fuel). A call that
/// runs out fails with OUT_OF_FUEL; the store stays usable after refuelling.
/// Errors: INVALID_ARGUMENT (NULL `store`, fuel not enabled).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_fuel_set(store: *mut wasmpool_store_t, fuel: u64) -> *mut wasmpool_error_t {
    abi::guard(|| abi::arg_mut(store, "store")?.store.set_fuel(fuel).map_err(fuel_error))
}

/// Writes the fuel left in `store` to `*out`. Errors: INVALID_ARGUMENT (NULL
/// argument, fuel not enabled).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_fuel_get(store: *const wasmpool_store_t, out: *mut u64) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_ref(store, "store")?;
        let out = abi::out(out, "out")?;
        out.write(store.store.get_fuel().map_err(fuel_error)?);
        Ok(())
    })
}

fn require_epochs(store: &wasmpool_store_t) -> Result<()> {
    if store.epoch_interruption {
        Ok(())
    } else {
        Err(Error::invalid("deadlines need epoch interruption; enable it with wasmpool_config_epoch_interruption_set"))
    }
}

/// Interrupts guest code in `store` once the engine's epoch has advanced
/// `ticks` times from now (a call then fails with INTERRUPTED). A deadline
/// that has passed stays passed: set a new one before calling again.
/// Errors: INVALID_ARGUMENT (NULL `store`, epoch interruption off).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_epoch_deadline_set(store: *mut wasmpool_store_t, ticks: u64) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        require_epochs(store)?;
        store.store.set_epoch_deadline(ticks.min(NO_DEADLINE));
        Ok(())
    })
}

/// Interrupts guest code in `store` `ms` milliseconds from now, measured by
/// the engine's ticker (see `wasmpool_config_epoch_tick_interval_ms_set`):
/// it fires between `ms` and `ms` + one tick from now. As with
/// `wasmpool_store_epoch_deadline_set`, set a new deadline after it fired.
/// Errors: INVALID_ARGUMENT (NULL `store`, epoch interruption off, or the
/// engine has no ticker).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_deadline_ms_set(store: *mut wasmpool_store_t, ms: u64) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        require_epochs(store)?;
        let tick = store.tick.ok_or_else(|| {
            Error::invalid("the engine has no epoch ticker; set wasmpool_config_epoch_tick_interval_ms_set")
        })?;
        let tick_ms = (tick.as_millis() as u64).max(1);
        // One extra tick: the next tick may come at any moment.
        let ticks = ms.div_ceil(tick_ms).saturating_add(1);
        store.store.set_epoch_deadline(ticks.min(NO_DEADLINE));
        Ok(())
    })
}
