//! `wasmpool_global_t`: globals as handles, made by the host
//! (`wasmpool_global_new`) or taken from an instance's exports
//! (`wasmpool_instance_export_global`); read, written, and given to other
//! modules through a linker (`wasmpool_linker_define_global`).

use std::ffi::c_char;

use crate::abi::{self, Error, Handle, Result, StoreOwned, raw, wasmpool_error_t};
use crate::core::externs::{StoreRef, instance_export, keep};
use crate::core::instance::wasmpool_instance_t;
use crate::core::linker::valtype;
use crate::core::names::arg_name;
use crate::core::val::{describe, wasmpool_val_t};
use crate::store::wasmpool_store_t;
use wasmtime::AsContextMut;

/// The type of a global: the kind of its value and whether it can be set.
///
/// Plain data: filled by the host for `wasmpool_global_new`, by wasmpool for
/// `wasmpool_global_type` (a reference-typed global shows the kind of its
/// hierarchy, e.g. `FUNCREF` for a typed function reference).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasmpool_globaltype_t {
    /// One of `wasmpool_valkind_t` (not `WASMPOOL_VALKIND_REF` when creating;
    /// a reference kind creates a global of the nullable top type:
    /// `funcref`, `externref`, `anyref`, `exnref`).
    pub kind: raw::wasmpool_valkind_t,
    /// Whether the global can be written (`mut` in WebAssembly).
    pub is_mutable: bool,
}

/// A global of a store: made by `wasmpool_global_new`, or an instance's
/// export (`wasmpool_instance_export_global`).
///
/// Owned by its store (no delete): valid until `wasmpool_store_delete`;
/// every call that returns one makes a new handle, kept until then. Thread
/// safety: as its store.
pub struct wasmpool_global_t {
    pub(crate) global: wasmtime::Global,
    pub(crate) store: StoreRef,
}

impl Handle for wasmpool_global_t {
    type Ownership = StoreOwned;
}

/// Creates a global of type `*ty` holding `*value` in `store` and writes its
/// handle to `*out` (owned by the store).
///
/// Errors: INVALID_ARGUMENT (NULL argument, an unknown kind or `REF`,
/// `value` of another kind than `ty->kind`, a reference of another store or
/// released).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_global_new(
    store: *mut wasmpool_store_t,
    ty: *const wasmpool_globaltype_t,
    value: *const wasmpool_val_t,
    out: *mut *mut wasmpool_global_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let ty = abi::arg_ref(ty, "ty")?;
        let value = abi::arg_ref(value, "value")?;
        let out = abi::out(out, "out")?;
        let content = valtype(ty.kind, &|| "argument `ty`".to_string())?;
        let mutability = if ty.is_mutable { wasmtime::Mutability::Var } else { wasmtime::Mutability::Const };
        let mut scope = wasmtime::RootScope::new(&mut store.store);
        let init = value.to_wasmtime(&content, scope.as_context_mut(), &|| "argument `value`".to_string())?;
        let global = wasmtime::Global::new(&mut scope, wasmtime::GlobalType::new(content, mutability), init)
            .map_err(|e| Error::invalid(format!("cannot create the global: {e}")))?;
        drop(scope);
        let handle = wasmpool_global_t { global, store: StoreRef(store.store_ptr()) };
        out.write(keep(&mut store.store, handle));
        Ok(())
    })
}

/// Writes the type of `global` to `*out`. Errors: INVALID_ARGUMENT (NULL
/// argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_global_type(
    global: *const wasmpool_global_t,
    out: *mut wasmpool_globaltype_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let global = abi::arg_ref(global, "global")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the global's store is alive (caller contract).
        let ty = global.global.ty(unsafe { global.store.get() });
        out.write(wasmpool_globaltype_t {
            kind: describe(ty.content()),
            is_mutable: ty.mutability() == wasmtime::Mutability::Var,
        });
        Ok(())
    })
}

/// Reads the value of `global` into `*out` (kind and value; a reference is
/// a new root or function handle, see `wasmpool_ref_release`).
/// Errors: INVALID_ARGUMENT (NULL argument, a non-null exnref).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_global_get(
    global: *const wasmpool_global_t,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let global = abi::arg_ref(global, "global")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the global's store is alive (caller contract).
        let mut scope = wasmtime::RootScope::new(unsafe { global.store.get() });
        let value = global.global.get(&mut scope);
        out.write(wasmpool_val_t::from_wasmtime(&value, scope.as_context_mut())?);
        Ok(())
    })
}

/// Writes `*value` to the mutable `global`.
/// Errors: INVALID_ARGUMENT (NULL argument, an immutable global, a value of
/// another kind or type than the global's, a reference of another store or
/// released).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_global_set(
    global: *const wasmpool_global_t,
    value: *const wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let global = abi::arg_ref(global, "global")?;
        let value = abi::arg_ref(value, "value")?;
        // SAFETY: the global's store is alive (caller contract).
        let store = unsafe { global.store.get() };
        let ty = global.global.ty(&*store);
        if ty.mutability() != wasmtime::Mutability::Var {
            return Err(Error::invalid("the global is immutable"));
        }
        let mut scope = wasmtime::RootScope::new(store);
        let v = value.to_wasmtime(ty.content(), scope.as_context_mut(), &|| "argument `value`".to_string())?;
        global.global.set(&mut scope, v).map_err(|e| Error::invalid(format!("{e}")))
    })
}

/// Writes a handle for the exported global `name` of `inst` to `*out`
/// (owned by the instance's store; a new handle per call).
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no exported global of
/// that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_global(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut *mut wasmpool_global_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_export_global` with the name given as `name_len` bytes
/// at `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_global_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut *mut wasmpool_global_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn export(inst: &wasmpool_instance_t, name: &str, out: *mut *mut wasmpool_global_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let (global, store) = instance_export(inst, name, "global", wasmtime::Extern::into_global)?;
    // SAFETY: the instance's store is alive (caller contract).
    out.write(keep(unsafe { store.get() }, wasmpool_global_t { global, store }));
    Ok(())
}
