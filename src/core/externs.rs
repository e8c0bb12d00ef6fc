//! What an instance exports besides functions: its memories and globals,
//! read and written from C by name; and what the extern handles
//! (`wasmpool_memory_t`, `wasmpool_table_t`, `wasmpool_global_t`, in
//! `memory.rs`, `table.rs`, `global.rs`) share: where they live and how a
//! handle of another store is refused.

use std::ffi::c_char;
use std::ptr::NonNull;

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::core::instance::wasmpool_instance_t;
use crate::core::names::arg_name;
use crate::core::val::wasmpool_val_t;
use crate::store::data::WStore;
use crate::store::wasmpool_store_t;
use wasmtime::AsContextMut;

/// An extern handle's store. Handles hold a pointer to the Wasmtime store
/// that owns what they name (it lives in the heap-allocated store handle,
/// which never moves, as instance handles do).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreRef(pub(crate) NonNull<WStore>);

// SAFETY: a handle is used with its store, by one thread at a time
// (documented on every handle type); the pointer travels with the store.
// Linkers and pre-linked instances, which may be shared by threads, only
// compare it.
unsafe impl Send for StoreRef {}
unsafe impl Sync for StoreRef {}

impl StoreRef {
    /// The store.
    ///
    /// # Safety
    /// The store must be alive (it owns the handle holding this pointer, so
    /// it is while the caller respects the handle's lifetime) and not
    /// borrowed elsewhere while the result is used.
    pub(crate) unsafe fn get<'s>(self) -> &'s mut WStore {
        let mut store = self.0;
        // SAFETY: per the contract above.
        unsafe { store.as_mut() }
    }

    /// Refuses a handle (`what`) used with a store it does not belong to.
    pub(crate) fn check(self, store: &mut wasmpool_store_t, what: &str) -> Result<()> {
        if self.0 == store.store_ptr() {
            Ok(())
        } else {
            Err(Error::invalid(format!("the {what} belongs to another store than `store`")))
        }
    }
}

/// Keeps a new handle in `store` until the store is deleted and returns its
/// stable address.
pub(crate) fn keep<T: Send + 'static>(store: &mut WStore, handle: T) -> *mut T {
    store.data_mut().keep(handle)
}

/// The export `name` of `inst`, which must be a `what` (`memory`, `table`,
/// `global`): `pick` takes it out of the extern. LINK when there is none.
pub(crate) fn instance_export<T>(
    inst: &wasmpool_instance_t,
    name: &str,
    what: &str,
    pick: impl FnOnce(wasmtime::Extern) -> Option<T>,
) -> Result<(T, StoreRef)> {
    // SAFETY: the instance's store is alive (caller contract).
    let store = unsafe { inst.store_mut() };
    let found = inst.instance.get_export(&mut *store, name).and_then(pick);
    let item = found.ok_or_else(|| export_missing("the instance", what, name))?;
    Ok((item, StoreRef(inst.store)))
}

pub(crate) fn export_missing(who: &str, what: &str, name: &str) -> Error {
    Error::new(K::WASMPOOL_ERROR_LINK, format!("{who} exports no {what} `{name}`"))
}

/// Writes the base address and size of an exported memory, the one way a
/// host reaches guest memory (from an instance or from a host function's
/// caller). `who` names the exporter for the error message.
pub(crate) fn memory_view(
    memory: Option<wasmtime::Memory>,
    store: impl wasmtime::AsContext,
    who: &str,
    name: &str,
    data: *mut *mut u8,
    size: *mut usize,
) -> Result<()> {
    let data = abi::out(data, "data")?;
    let size = abi::out(size, "size")?;
    let memory = memory.ok_or_else(|| export_missing(who, "memory", name))?;
    data.write(memory.data_ptr(&store));
    size.write(memory.data_size(&store));
    Ok(())
}

/// The exported memory `name` of `inst`: writes its base address to `*data`
/// and its size in bytes to `*size`.
///
/// The pointer is valid until the next call into any guest of this store
/// (the guest may grow the memory, which can move it) or the store's
/// deletion. Reading and writing through it is how a host passes data.
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no such memory).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_memory(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| memory(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, data, size))
}

/// `wasmpool_instance_memory` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_memory_n(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| memory(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, data, size))
}

fn memory(inst: &wasmpool_instance_t, name: &str, data: *mut *mut u8, size: *mut usize) -> Result<()> {
    // SAFETY: the instance's store is alive (caller contract).
    let store = unsafe { inst.store_mut() };
    let memory = inst.instance.get_memory(&mut *store, name);
    memory_view(memory, &*store, "the instance", name, data, size)
}

/// Reads the exported global `name` of `inst` into `*out` (kind and value).
/// Errors: INVALID_ARGUMENT (NULL argument, a reference-typed global); LINK
/// (no such global).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_global_get(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_get(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_global_get` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_global_get_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_get(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn global_get(inst: &wasmpool_instance_t, name: &str, out: *mut wasmpool_val_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    // SAFETY: the instance's store is alive (caller contract).
    let store = unsafe { inst.store_mut() };
    let global = inst.instance.get_global(&mut *store, name).ok_or_else(|| export_missing("the instance", "global", name))?;
    let mut scope = wasmtime::RootScope::new(store);
    let value = global.get(&mut scope);
    out.write(wasmpool_val_t::from_wasmtime(&value, scope.as_context_mut())?);
    Ok(())
}

/// Writes `*value` to the exported mutable global `name` of `inst`.
/// Errors: INVALID_ARGUMENT (NULL argument, wrong kind, immutable global);
/// LINK (no such global).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_global_set(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    value: *const wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_set(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, value))
}

/// `wasmpool_instance_global_set` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_global_set_n(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    value: *const wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_set(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, value))
}

fn global_set(inst: &wasmpool_instance_t, name: &str, value: *const wasmpool_val_t) -> Result<()> {
    let value = abi::arg_ref(value, "value")?;
    // SAFETY: the instance's store is alive (caller contract).
    let store = unsafe { inst.store_mut() };
    let global = inst.instance.get_global(&mut *store, name).ok_or_else(|| export_missing("the instance", "global", name))?;
    let ty = global.ty(&*store);
    if ty.mutability() != wasmtime::Mutability::Var {
        return Err(Error::invalid(format!("global `{name}` is immutable")));
    }
    let mut scope = wasmtime::RootScope::new(store);
    let v = value.to_wasmtime(ty.content(), scope.as_context_mut(), &|| format!("the value for global `{name}`"))?;
    global.set(&mut scope, v).map_err(|e| Error::invalid(format!("{e}")))
}
