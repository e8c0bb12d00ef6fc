//! `wasmpool_store_t`: the unit of isolation and of cleanup. Everything an
//! instance allocates from the pool (memories, tables, instance slots) is
//! owned by its store and goes back to the pool when the store is deleted.
//! Per-store limits, fuel and deadlines live here too.

use std::ptr::NonNull;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::wasmpool_engine_t;
use crate::error::{Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::ffi;
use crate::instance::wasmpool_instance_t;
use crate::slots::ReleaseNotice;

/// Per-store limits. `SIZE_MAX` means unlimited (the default for every
/// field); pool-wide limits from the engine's config apply in any case.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasmpool_store_limits_t {
    /// Maximum bytes of any one linear memory. Growth beyond it fails the
    /// way WebAssembly says (`memory.grow` returns -1); a module whose
    /// initial memory is larger fails to instantiate with LIMIT_EXCEEDED.
    pub memory_size: usize,
    /// Maximum elements of any one table (`table.grow` returns -1 beyond).
    pub table_elements: usize,
    /// Maximum instances in the store (LIMIT_EXCEEDED beyond).
    pub instances: usize,
    /// Maximum tables in the store (LIMIT_EXCEEDED beyond).
    pub tables: usize,
    /// Maximum linear memories in the store (LIMIT_EXCEEDED beyond).
    pub memories: usize,
}

const UNLIMITED: wasmpool_store_limits_t = wasmpool_store_limits_t {
    memory_size: usize::MAX,
    table_elements: usize::MAX,
    instances: usize::MAX,
    tables: usize::MAX,
    memories: usize::MAX,
};

/// Enforces a store's limits for Wasmtime and remembers why it refused,
/// so that the refusal is reported as LIMIT_EXCEEDED, and counts the bytes of
/// linear memory the store holds.
pub(crate) struct Limiter {
    pub(crate) limits: wasmpool_store_limits_t,
    /// Bytes of linear memory granted to this store's memories so far.
    consumed: usize,
    /// The last grant, taken back if Wasmtime then fails to grow.
    last_grant: usize,
    /// Why the last refusal happened, if any, for error classification.
    pub(crate) refused: Option<String>,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.limits.memory_size || maximum.is_some_and(|m| desired > m) {
            self.refused = Some(format!(
                "a memory of {desired} bytes exceeds the store's memory_size limit of {} bytes",
                self.limits.memory_size
            ));
            return Ok(false);
        }
        self.last_grant = desired - current;
        self.consumed += self.last_grant;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.consumed -= std::mem::take(&mut self.last_grant);
        Ok(())
    }

    fn table_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.limits.table_elements || maximum.is_some_and(|m| desired > m) {
            self.refused = Some(format!(
                "a table of {desired} elements exceeds the store's table_elements limit of {}",
                self.limits.table_elements
            ));
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.limits.instances
    }

    fn tables(&self) -> usize {
        self.limits.tables
    }

    fn memories(&self) -> usize {
        self.limits.memories
    }
}

/// Per-store host state inside the Wasmtime store.
pub(crate) struct StoreData {
    pub(crate) limiter: Limiter,
    /// Set while a call into a guest of this store runs, to refuse a host
    /// function calling back into the same store through a handle.
    pub(crate) in_call: bool,
}

/// The Wasmtime store. It lives inside the heap-allocated
/// `wasmpool_store_t` handle, which never moves, so instance handles can
/// point to it while the handle itself is not borrowed.
pub(crate) type WStore = wasmtime::Store<StoreData>;

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
    /// The first instance lives inline (the usual one instance per request
    /// costs no allocation); the handle never moves, so neither does it.
    pub(crate) first: Option<wasmpool_instance_t>,
    /// Further instances, boxed so that their handles stay put.
    pub(crate) more: Vec<Box<wasmpool_instance_t>>,
    pub(crate) store: WStore,
    epoch_interruption: bool,
    tick: Option<Duration>,
    pub(crate) slot_wait: Duration,
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
    pub(crate) fn check_instance_limit(&self) -> Result<()> {
        let limit = self.store.data().limiter.limits.instances;
        if usize::from(self.first.is_some()) + self.more.len() >= limit {
            return Err(Error::new(
                K::WASMPOOL_ERROR_LIMIT_EXCEEDED,
                format!("the store already holds {} instance(s), its instances limit", limit),
            ));
        }
        Ok(())
    }

    /// Classifies an instantiation failure: a refusal by this store's limits
    /// is LIMIT_EXCEEDED; traps and pool exhaustion keep their kinds.
    pub(crate) fn instantiate_error(&mut self, err: wasmtime::Error) -> Error {
        let refused = self.store.data_mut().limiter.refused.take();
        let classified = Error::from_wasmtime(err, K::WASMPOOL_ERROR_OTHER);
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

fn new_store(engine: &wasmpool_engine_t) -> Result<wasmpool_store_t> {
    let data = StoreData {
        limiter: Limiter { limits: UNLIMITED, consumed: 0, last_grant: 0, refused: None },
        in_call: false,
    };
    let mut store = wasmtime::Store::new(&engine.engine, data);
    store.limiter(|d| &mut d.limiter);
    let epoch_interruption = engine.knobs.engine.epoch_interruption;
    if epoch_interruption {
        // Wasmtime's initial deadline is "now", which would interrupt the
        // first call; a store has no deadline until the host sets one.
        store.set_epoch_deadline(NO_DEADLINE);
    }
    Ok(wasmpool_store_t {
        first: None,
        more: Vec::new(),
        store,
        epoch_interruption,
        tick: engine.tick_interval(),
        slot_wait: Duration::from_millis(engine.knobs.engine.slot_wait_timeout_ms),
        release: (engine.knobs.engine.slot_wait_timeout_ms > 0).then(|| ReleaseNotice(Arc::clone(&engine.slots))),
    })
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
pub extern "C" fn wasmpool_store_new(
    engine: *const wasmpool_engine_t,
    out: *mut *mut wasmpool_store_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let engine = ffi::arg_ref(engine, "engine")?;
        let out = ffi::out(out, "out")?;
        out.write(ffi::into_handle(new_store(engine)?));
        Ok(())
    })
}

/// Releases `store`, every instance in it and their pool slots. NULL is
/// accepted and ignored. Instance handles and memory pointers obtained from
/// the store are invalid afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_delete(store: *mut wasmpool_store_t) {
    ffi::guard_value((), || unsafe { ffi::delete_handle(store) })
}

/// Limits with every field unlimited (`SIZE_MAX`), to start from.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_limits_unlimited() -> wasmpool_store_limits_t {
    ffi::guard_value(UNLIMITED, || UNLIMITED)
}

/// Sets the limits of `store` (copied from `*limits`). They apply to
/// instantiations and growth from now on; what exists already is kept.
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_limits_set(
    store: *mut wasmpool_store_t,
    limits: *const wasmpool_store_limits_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_mut(store, "store")?;
        let limits = ffi::arg_ref(limits, "limits")?;
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
pub extern "C" fn wasmpool_store_limits_get(
    store: *const wasmpool_store_t,
    out: *mut wasmpool_store_limits_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_ref(store, "store")?;
        ffi::out(out, "out")?.write(store.store.data().limiter.limits);
        Ok(())
    })
}

/// Bytes of linear memory the store's instances hold now (the sum of their
/// memories' current sizes). 0 if `store` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_memory_consumed(store: *const wasmpool_store_t) -> usize {
    ffi::guard_value(0, || ffi::opt_ref(store).map_or(0, |s| s.store.data().limiter.consumed))
}

fn fuel_error(e: wasmtime::Error) -> Error {
    Error::invalid(format!("{e}; enable it with wasmpool_config_consume_fuel_set"))
}

/// Sets the fuel left in `store` (the engine must consume fuel). A call that
/// runs out fails with OUT_OF_FUEL; the store stays usable after refuelling.
/// Errors: INVALID_ARGUMENT (NULL `store`, fuel not enabled).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_fuel_set(store: *mut wasmpool_store_t, fuel: u64) -> *mut wasmpool_error_t {
    ffi::guard(|| ffi::arg_mut(store, "store")?.store.set_fuel(fuel).map_err(fuel_error))
}

/// Writes the fuel left in `store` to `*out`. Errors: INVALID_ARGUMENT (NULL
/// argument, fuel not enabled).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_store_fuel_get(store: *const wasmpool_store_t, out: *mut u64) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_ref(store, "store")?;
        let out = ffi::out(out, "out")?;
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
pub extern "C" fn wasmpool_store_epoch_deadline_set(store: *mut wasmpool_store_t, ticks: u64) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_mut(store, "store")?;
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
pub extern "C" fn wasmpool_store_deadline_ms_set(store: *mut wasmpool_store_t, ms: u64) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_mut(store, "store")?;
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
