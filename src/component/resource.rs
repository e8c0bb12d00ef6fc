//! Resources: host-defined resource types (`wasmpool_component_resource_type_t`),
//! and resource handles (`wasmpool_component_resource_t`) of either kind —
//! host objects the C host hands the guest as `own<R>` / `borrow<R>`, and
//! guest resources the guest hands the host.
//!
//! A host object is the host's pointer registered in the store
//! (`store::host_resources`) under a 32-bit `rep`, which is what Wasmtime
//! carries. Its destructor runs exactly once: when the guest drops its last
//! owning handle (Wasmtime calls the destructor defined in the linker), when
//! the host drops an owning handle it holds, or when the store is deleted.

use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

use wasmtime::component::{ResourceAny, ResourceDynamic};
use wasmtime::{AsContextMut, StoreContextMut};

use crate::abi::{self, Boxed, Error, Handle, HostEnv, Result, StoreOwned, wasmpool_error_kind_t as K};
use crate::abi::{wasmpool_error_t, wasmpool_finalizer_t};
use crate::component::linker::{wasmpool_component_caller_t, wasmpool_component_linker_t};
use crate::store::data::StoreData;
use crate::store::host_resources::{ResourceDef, wasmpool_component_resource_destructor_t};
use crate::store::wasmpool_store_t;

/// A resource type defined by the host. Objects of it are host pointers
/// that the guest holds through `own<R>` / `borrow<R>` handles.
///
/// Create with `wasmpool_component_resource_type_new`, define it in a linker
/// with `wasmpool_component_linker_define_resource`, release with
/// `wasmpool_component_resource_type_delete` (linkers, pre-instantiated
/// components and stores that use it keep it alive). Thread safety:
/// immutable, shareable across threads.
pub struct wasmpool_component_resource_type_t {
    pub(crate) def: Arc<ResourceDef>,
}

impl Handle for wasmpool_component_resource_type_t {
    type Ownership = Boxed;
}

/// The host object behind a handle: its type, `rep` and pointer.
#[derive(Clone, Copy)]
struct HostObject {
    id: u32,
    rep: u32,
    data: *mut c_void,
}

/// A resource handle (an `own<R>` or `borrow<R>` value), of a host-defined
/// type (`wasmpool_component_resource_new`, or handed back by the guest) or
/// of a type the guest defines.
///
/// Owned by the store it belongs to: there is no delete; it is released
/// with its store. An owning handle is spent once it is passed to the guest
/// as an `own<R>` argument or result, or dropped with
/// `wasmpool_component_resource_drop`; a borrowed handle a host function
/// receives is valid only during that call. Thread safety: as its store.
pub struct wasmpool_component_resource_t {
    pub(crate) resource: ResourceAny,
    host: Option<HostObject>,
    spent: Cell<bool>,
    /// The store's data, as an identity: Wasmtime's handles are indices
    /// into one store's tables and mean nothing in another.
    owner: usize,
}

/// The identity of a store, for [`wasmpool_component_resource_t::owner`].
fn owner_of(data: &StoreData) -> usize {
    std::ptr::from_ref(data) as usize
}

impl Handle for wasmpool_component_resource_t {
    type Ownership = StoreOwned;
}

// SAFETY: the host pointer belongs to the store the handle is kept in, and
// the host promises it may be used on whichever thread uses the store.
unsafe impl Send for wasmpool_component_resource_t {}

impl wasmpool_component_resource_t {
    /// A handle for a guest resource (or any `ResourceAny`) of the store
    /// whose data is `owner`.
    pub(crate) fn new(resource: ResourceAny, owner: &StoreData) -> Self {
        wasmpool_component_resource_t { resource, host: None, spent: Cell::new(false), owner: owner_of(owner) }
    }

    /// A handle of no store in particular, for wasmpool's own tests.
    pub(crate) fn detached(resource: ResourceAny) -> Self {
        wasmpool_component_resource_t { resource, host: None, spent: Cell::new(false), owner: 0 }
    }

    /// The resource to pass to Wasmtime as an `own<R>` (`own` true) or
    /// `borrow<R>` of `expected`; passing it as `own<R>` spends the handle.
    pub(crate) fn lower(&self, expected: &wasmtime::component::ResourceType, own: bool) -> std::result::Result<ResourceAny, String> {
        if self.spent.get() {
            return Err("the resource handle was already passed on as own<R> or dropped".into());
        }
        // A host object's type is known exactly; a guest resource's type is
        // checked by Wasmtime when it lowers the value.
        if self.host.is_some() && self.resource.ty() != *expected {
            return Err("the resource handle is of another resource type".into());
        }
        match (own, self.resource.owned()) {
            (true, false) => Err("expected an owned resource (own<R>), got a borrowed handle".into()),
            (true, true) => {
                self.spent.set(true);
                Ok(self.resource)
            }
            (false, _) => Ok(self.resource),
        }
    }
}

/// The context a handle is made in: the store, and the guest borrows handed
/// to a host function, which must be released before it returns.
pub(crate) struct Adopter<'a, 's> {
    pub(crate) store: &'a mut StoreContextMut<'s, StoreData>,
    borrows: Vec<ResourceAny>,
}

impl<'a, 's> Adopter<'a, 's> {
    pub(crate) fn new(store: &'a mut StoreContextMut<'s, StoreData>) -> Self {
        Adopter { store, borrows: Vec::new() }
    }

    /// A store-owned handle for `resource`, which Wasmtime handed the host.
    ///
    /// A host object comes back to the host: its `rep` is taken out of
    /// Wasmtime's table to find the object (an owning handle is put back, so
    /// it can be passed on again; a borrow is done with at once). A guest
    /// borrow is released by [`Adopter::release_borrows`].
    pub(crate) fn adopt(&mut self, resource: ResourceAny) -> *mut wasmpool_component_resource_t {
        let mut handle = wasmpool_component_resource_t::new(resource, self.store.data());
        match resource.try_into_resource_dynamic(&mut *self.store) {
            Ok(host) => {
                let (rep, id) = (host.rep(), host.ty());
                let data = self.store.data().host_resources.get(rep, id).unwrap_or(std::ptr::null_mut());
                handle.host = Some(HostObject { id, rep, data });
                if resource.owned() {
                    match ResourceDynamic::new_own(rep, id).try_into_resource_any(&mut *self.store) {
                        Ok(again) => handle.resource = again,
                        // Out of memory in Wasmtime's table: the object stays
                        // the store's (destroyed with it); the handle is spent.
                        Err(_) => handle.spent.set(true),
                    }
                }
            }
            // A guest resource (the only way to tell is to try).
            Err(_) if !resource.owned() => self.borrows.push(resource),
            Err(_) => {}
        }
        self.store.data_mut().keep(handle)
    }

    /// Releases the guest borrows handed to a host function (Wasmtime
    /// refuses to return from it while they are held).
    pub(crate) fn release_borrows(self) -> wasmtime::Result<()> {
        for b in self.borrows {
            b.resource_drop(&mut *self.store)?;
        }
        Ok(())
    }
}

/// Registers `data` as a new object of `ty` in `store` and keeps an owning
/// handle for it there.
fn new_object(
    store: &mut StoreContextMut<'_, StoreData>,
    ty: &wasmpool_component_resource_type_t,
    data: *mut c_void,
) -> Result<*mut wasmpool_component_resource_t> {
    let def = &ty.def;
    let rep = store.data_mut().host_resources.insert(def, data).ok_or_else(|| {
        Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, "the store already holds 2^32 host resource objects")
    })?;
    let resource = match ResourceDynamic::new_own(rep, def.id).try_into_resource_any(&mut *store) {
        Ok(r) => r,
        Err(e) => {
            // Not handed out: the host keeps its object (no destructor call).
            let _ = store.data_mut().host_resources.forget(rep, def.id);
            return Err(Error::from_wasmtime(e, K::WASMPOOL_ERROR_OTHER));
        }
    };
    let handle = wasmpool_component_resource_t {
        resource,
        host: Some(HostObject { id: def.id, rep, data }),
        spent: Cell::new(false),
        owner: owner_of(store.data()),
    };
    Ok(store.data_mut().keep(handle))
}

/// A new host-defined resource type, written to `*out`. The caller owns it
/// (`wasmpool_component_resource_type_delete`).
///
/// `destructor` (may be NULL) is called with `env` and an object's `data`
/// exactly once per object: when the guest drops its last owning handle,
/// when the host drops its owning handle (`wasmpool_component_resource_drop`),
/// or when the store holding the object is deleted — on the thread doing
/// that. `destructor` and `env` must be usable from any thread that uses
/// such stores. `finalizer` (may be NULL) is called with `env` once, when
/// the type, every linker it is defined in and every store holding one of
/// its objects are gone. If this function fails, the finalizer is not called.
///
/// Errors: INVALID_ARGUMENT (NULL `out`); LIMIT_EXCEEDED (2^32 - 1 types
/// were made in this process).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_type_new(
    destructor: wasmpool_component_resource_destructor_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
    out: *mut *mut wasmpool_component_resource_type_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let out = abi::out(out, "out")?;
        let host = HostEnv::new(env, finalizer);
        let def = ResourceDef::new(destructor, Arc::clone(&host)).ok_or_else(|| {
            Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, "2^32 - 1 resource types were made in this process")
        })?;
        host.arm();
        out.write(abi::into_boxed(wasmpool_component_resource_type_t { def: Arc::new(def) }));
        Ok(())
    })
}

/// Releases the caller's reference to `ty`. NULL is accepted and ignored.
/// Linkers, pre-instantiated components and stores that use the type keep
/// it alive; objects of it are still destroyed as documented.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_type_delete(ty: *mut wasmpool_component_resource_type_t) {
    unsafe { abi::delete(ty) }
}

/// Defines the resource type `name` of the imported interface `instance`
/// (such as `example:files/types@0.1.0`, or "" for a type imported at the
/// root) as the host type `ty`. Functions that take or return it are defined
/// with `wasmpool_component_linker_define_func` as usual; their resource
/// arguments and results are `WASMPOOL_COMPONENT_VALKIND_RESOURCE` values.
///
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (the name is already
/// defined).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_resource(
    linker: *mut wasmpool_component_linker_t,
    instance: *const c_char,
    name: *const c_char,
    ty: *const wasmpool_component_resource_type_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let instance = abi::arg_str(instance, "instance")?;
        let name = abi::arg_str(name, "name")?;
        let def = Arc::clone(&abi::arg_ref(ty, "ty")?.def);
        let id = def.id;
        let wasm_type = def.wasmtime_type();
        let destructor = move |mut store: StoreContextMut<'_, StoreData>, rep: u32| {
            // The guest dropped its last owning handle. `def` keeps the type's
            // destructor alive for as long as the linker can call this.
            let _ = &def;
            store.data_mut().host_resources.destroy(rep, id);
            Ok(())
        };
        linker.define(instance, name, |at| at.resource(name, wasm_type, destructor))
    })
}

/// A new host object of type `ty` in `store`: `data` (any pointer, NULL
/// allowed) becomes an object the guest can hold; an owning handle to it is
/// written to `*out`. The handle belongs to the store; pass it to the guest
/// in a `WASMPOOL_COMPONENT_VALKIND_RESOURCE` value (as `own<R>` to give the
/// object away, as `borrow<R>` to lend it). The object is destroyed once, as
/// `wasmpool_component_resource_type_new` says — also if it is never handed
/// out. `data` is used on whichever thread uses the store.
///
/// Errors: INVALID_ARGUMENT (NULL `store`, `ty` or `out`); LIMIT_EXCEEDED.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_new(
    store: *mut wasmpool_store_t,
    ty: *const wasmpool_component_resource_type_t,
    data: *mut c_void,
    out: *mut *mut wasmpool_component_resource_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let ty = abi::arg_ref(ty, "ty")?;
        let out = abi::out(out, "out")?;
        out.write(new_object(&mut store.store.as_context_mut(), ty, data)?);
        Ok(())
    })
}

/// The same as `wasmpool_component_resource_new`, from inside a host
/// function: the object is registered in the calling store, typically to be
/// returned to the guest as the function's result.
///
/// Errors: INVALID_ARGUMENT (NULL `caller`, `ty` or `out`); LIMIT_EXCEEDED.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_caller_resource_new(
    caller: *mut wasmpool_component_caller_t,
    ty: *const wasmpool_component_resource_type_t,
    data: *mut c_void,
    out: *mut *mut wasmpool_component_resource_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let caller = abi::arg_mut(caller, "caller")?;
        let ty = abi::arg_ref(ty, "ty")?;
        let out = abi::out(out, "out")?;
        out.write(caller.with_store(|store| new_object(store, ty, data))?);
        Ok(())
    })
}

/// The host pointer of the object behind `resource` when it is of the
/// host-defined type `ty`; NULL when it is not (another type, a guest
/// resource), when the handle is spent, or when an argument is NULL. Valid
/// while the object lives (see `wasmpool_component_resource_type_new`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_data(
    resource: *const wasmpool_component_resource_t,
    ty: *const wasmpool_component_resource_type_t,
) -> *mut c_void {
    abi::guard_value(std::ptr::null_mut(), || {
        let (Some(resource), Some(ty)) = (abi::opt_ref(resource), abi::opt_ref(ty)) else {
            return std::ptr::null_mut();
        };
        match resource.host {
            Some(h) if h.id == ty.def.id && !resource.spent.get() => h.data,
            _ => std::ptr::null_mut(),
        }
    })
}

/// Whether `resource` is an owning handle (`own<R>`) rather than a borrow;
/// false for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_owned(resource: *const wasmpool_component_resource_t) -> bool {
    abi::guard_value(false, || abi::opt_ref(resource).is_some_and(|r| r.resource.owned()))
}

/// Drops the owning handle `resource` of `store` now: a host object's
/// destructor runs (once), a guest resource's destructor runs in the guest.
/// The handle is spent afterwards.
///
/// Errors: INVALID_ARGUMENT (NULL argument; a handle of another store; a
/// borrowed handle; a handle already passed on or dropped); TRAP (the guest's destructor trapped).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_resource_drop(
    store: *mut wasmpool_store_t,
    resource: *mut wasmpool_component_resource_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let resource = abi::arg_ref(resource.cast_const(), "resource")?;
        if resource.owner != owner_of(store.store.data()) {
            return Err(Error::invalid("argument `resource` belongs to another store"));
        }
        if !resource.resource.owned() {
            return Err(Error::invalid("argument `resource` is a borrowed handle; only owning handles are dropped"));
        }
        if resource.spent.replace(true) {
            return Err(Error::invalid("argument `resource` was already passed on as own<R> or dropped"));
        }
        let mut cx = store.store.as_context_mut();
        match resource.host {
            Some(h) => {
                // Take it out of Wasmtime's table, then destroy the object.
                resource.resource.try_into_resource_dynamic(&mut cx).map_err(|e| Error::from_wasmtime(e, K::WASMPOOL_ERROR_OTHER))?;
                cx.data_mut().host_resources.destroy(h.rep, h.id);
                Ok(())
            }
            None => crate::store::data::enter(&mut store.store, "resource drop", |s, on_fiber| {
                if on_fiber {
                    crate::store::data::block_on_wasi(resource.resource.resource_drop_async(s))
                } else {
                    resource.resource.resource_drop(s)
                }
            }),
        }
    })
}
