//! `wasmpool_store_t`: the unit of isolation and of cleanup. Everything an
//! instance allocates from the pool (memories, tables, instance slots) is
//! owned by its store and goes back to the pool when the store is deleted.

use std::ptr::NonNull;

use crate::engine::wasmpool_engine_t;
use crate::error::{Result, wasmpool_error_t};
use crate::ffi;
use crate::instance::wasmpool_instance_t;

/// Per-store host state inside the Wasmtime store.
#[derive(Default)]
pub(crate) struct StoreData {}

/// The Wasmtime store, boxed so that instances can point to it while the
/// `wasmpool_store_t` itself is not borrowed.
pub(crate) type WStore = wasmtime::Store<StoreData>;

/// A store: a set of instances that live and die together, with their
/// memories, tables and globals.
///
/// Create with `wasmpool_store_new`, release with `wasmpool_store_delete`,
/// which frees every instance in it and returns their slots to the pool.
///
/// Thread safety: a store, and every instance in it, must be used by one
/// thread at a time (it may move between threads).
pub struct wasmpool_store_t {
    // Field order is drop order: instance handles first, then the store.
    pub(crate) instances: Vec<Box<wasmpool_instance_t>>,
    pub(crate) store: Box<WStore>,
}

impl wasmpool_store_t {
    /// A stable pointer to the Wasmtime store for instance handles.
    pub(crate) fn store_ptr(&mut self) -> NonNull<WStore> {
        NonNull::from(&mut *self.store)
    }
}

fn new_store(engine: &wasmpool_engine_t) -> Result<wasmpool_store_t> {
    let mut store = wasmtime::Store::new(&engine.engine, StoreData::default());
    if engine.knobs.engine.epoch_interruption {
        // Wasmtime's initial deadline is "now", which would interrupt the
        // first call; a store has no deadline until the host sets one.
        store.set_epoch_deadline(u64::MAX / 2);
    }
    Ok(wasmpool_store_t { instances: Vec::new(), store: Box::new(store) })
}

/// Creates an empty store in `engine` and writes it to `*out`.
///
/// The store is owned by the caller (`wasmpool_store_delete`); `engine` must
/// outlive it. Creating a store takes no slot from the pool: slots are taken
/// by instantiation.
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
