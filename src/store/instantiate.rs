//! Instantiation: putting new instances into a store, taking their slots
//! from the engine's pool (waiting in line for one when the engine has a
//! slot wait timeout). It lives with the store it fills, so that `core/`
//! stays below the store handle.

use std::sync::Arc;

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::component::instance::wasmpool_component_instance_t;
use crate::component::pre::wasmpool_component_pre_t;
use crate::core::instance::wasmpool_instance_t;
use crate::core::instance_pre::wasmpool_instance_pre_t;
use crate::core::linker::wasmpool_linker_t;
use crate::core::module::wasmpool_module_t;
use crate::core::module_info::{ModuleInfo, extern_kind_name};
use crate::engine::slots::SlotQueue;
use crate::store::data::{WStore, block_on};
use crate::store::wasmpool_store_t;

/// Records a new Wasmtime instance in `store` and returns its handle.
fn adopt(store: &mut wasmpool_store_t, instance: wasmtime::Instance, info: Arc<ModuleInfo>) -> *mut wasmpool_instance_t {
    let handle = wasmpool_instance_t::new(instance, store.store_ptr(), info);
    store.instances.adopt(handle)
}

#[inline]
fn same_engine(store: &wasmpool_store_t, engine: &wasmtime::Engine, what: &str) -> Result<()> {
    if wasmtime::Engine::same(store.store.engine(), engine) {
        Ok(())
    } else {
        Err(other_engine(what))
    }
}

#[cold]
#[inline(never)]
fn other_engine(what: &str) -> Error {
    Error::invalid(format!("the {what} belongs to another engine than the store"))
}

fn instantiate(store: &mut wasmpool_store_t, module: &wasmpool_module_t) -> Result<*mut wasmpool_instance_t> {
    same_engine(store, module.module.engine(), "module")?;
    if let Some(import) = module.module.imports().next() {
        return Err(Error::new(
            K::WASMPOOL_ERROR_LINK,
            format!(
                "the module imports `{}`.`{}` ({}); instantiate it through a linker",
                import.module(),
                import.name(),
                extern_kind_name(&import.ty())
            ),
        ));
    }
    store.check_instance_limit()?;
    let new = |store: &mut WStore| {
        if store.data().stacks.is_some() {
            block_on(wasmtime::Instance::new_async(&mut *store, &module.module, &[]))
        } else {
            wasmtime::Instance::new(store, &module.module, &[])
        }
    };
    with_slot(store, |store| match new(&mut store.store) {
        Ok(instance) => Ok(adopt(store, instance, module.info())),
        Err(e) => Err(store.instantiate_error(e)),
    })
}

/// Runs an instantiation attempt, waiting in line for a free slot when the
/// engine has a slot wait timeout.
fn with_slot<T>(
    store: &mut wasmpool_store_t,
    mut attempt: impl FnMut(&mut wasmpool_store_t) -> Result<T>,
) -> Result<T> {
    let result = match store.release.as_ref().filter(|_| !store.slot_wait.is_zero()) {
        None => attempt(store),
        Some(release) => wait_for_slot(Arc::clone(&release.0), store, attempt),
    };
    // In an async engine the instantiation's stack is back in the pool.
    if let Some(stacks) = &store.store.data().stacks {
        stacks.queue.released();
    }
    result
}

/// The waiting branch of [`with_slot`], out of line: an engine without a
/// slot wait timeout never runs it, and the instantiation path stays short.
#[inline(never)]
fn wait_for_slot<T>(
    queue: Arc<SlotQueue>,
    store: &mut wasmpool_store_t,
    mut attempt: impl FnMut(&mut wasmpool_store_t) -> Result<T>,
) -> Result<T> {
    queue.acquire(store.slot_wait, || attempt(store))
}

fn instantiate_pre(store: &mut wasmpool_store_t, pre: &wasmpool_instance_pre_t) -> Result<*mut wasmpool_instance_t> {
    same_engine(store, pre.engine(), "pre-linked instance")?;
    pre.check_store(store)?;
    store.check_instance_limit()?;
    with_slot(store, |store| match pre.instantiate(&mut store.store) {
        Ok(instance) => Ok(adopt(store, instance, pre.info())),
        Err(e) => Err(store.instantiate_error(e)),
    })
}

/// Instantiates the pre-linked module `pre` in `store` and writes the
/// instance to `*out`: the per-request fast path. Slots are taken from the
/// pool until the store is deleted; the instance is owned by `store`.
///
/// `pre` may be used by several threads at once, each with its own store.
/// Errors: as `wasmpool_instantiate` (but a pre-linked module has no
/// unresolved imports).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_pre_instantiate(
    pre: *const wasmpool_instance_pre_t,
    store: *mut wasmpool_store_t,
    out: *mut *mut wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let pre = abi::arg_ref(pre, "pre")?;
        let store = abi::arg_mut(store, "store")?;
        let out = abi::out(out, "out")?;
        out.write(instantiate_pre(store, pre)?);
        Ok(())
    })
}

/// Instantiates `module`, which must have no imports, in `store`, and writes
/// the instance to `*out`. This takes slots (instance, memories, tables)
/// from the engine's pool until the store is deleted.
///
/// The instance is owned by `store` (no delete function): it is valid until
/// `wasmpool_store_delete(store)`. `module` is borrowed for the call only.
///
/// Errors: INVALID_ARGUMENT (a NULL argument, module of another engine);
/// LINK (the module has imports); POOL_EXHAUSTED (no free slot now, or
/// none within `slot_wait_timeout_ms`: retry after a store is deleted); TRAP (the start function trapped);
/// LIMIT_EXCEEDED (a store limit); OTHER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instantiate(
    store: *mut wasmpool_store_t,
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let module = abi::arg_ref(module, "module")?;
        let out = abi::out(out, "out")?;
        out.write(instantiate(store, module)?);
        Ok(())
    })
}

fn instantiate_linked(
    linker: &wasmpool_linker_t,
    store: &mut wasmpool_store_t,
    module: &wasmpool_module_t,
) -> Result<*mut wasmpool_instance_t> {
    same_engine(store, module.module.engine(), "module")?;
    same_engine(store, linker.linker.engine(), "linker")?;
    if linker.bound.is_some_and(|b| b.0 != store.store_ptr()) {
        return Err(Error::invalid("the linker holds memories, tables, globals or instances of another store than `store`"));
    }
    store.check_instance_limit()?;
    let new = |store: &mut WStore| {
        if store.data().stacks.is_some() {
            block_on(linker.linker.instantiate_async(&mut *store, &module.module))
        } else {
            linker.linker.instantiate(store, &module.module)
        }
    };
    with_slot(store, |store| match new(&mut store.store) {
        Ok(instance) => Ok(adopt(store, instance, module.info())),
        Err(e) if is_link_error(&e) => Err(Error::new(K::WASMPOOL_ERROR_LINK, format!("{e:?}"))),
        Err(e) => Err(store.instantiate_error(e)),
    })
}

/// Whether Wasmtime refused an instantiation while matching imports (a
/// missing import has a type; a mismatch only its fixed context).
fn is_link_error(e: &wasmtime::Error) -> bool {
    e.is::<wasmtime::UnknownImportError>() || e.chain().any(|c| c.to_string().starts_with("incompatible import type for"))
}

/// Links `module` against `linker` and instantiates it in `store` in one
/// step, writing the instance (owned by the store) to `*out`.
///
/// The way to instantiate with a linker that holds a store's memories,
/// tables, globals or instances (`wasmpool_linker_define_memory` and the
/// like): imports are matched against their sizes now (a memory grown after
/// it was defined satisfies an import asking for the larger size). Slots,
/// waiting and limits as for `wasmpool_instantiate`.
///
/// Errors: INVALID_ARGUMENT (NULL argument; module, linker or store of
/// different engines; a linker holding another store's definitions); LINK
/// (an import is missing or has another type: the message names the import
/// and both types); POOL_EXHAUSTED; LIMIT_EXCEEDED; TRAP (the start
/// function trapped); OTHER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_instantiate(
    linker: *const wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_ref(linker, "linker")?;
        let store = abi::arg_mut(store, "store")?;
        let module = abi::arg_ref(module, "module")?;
        let out = abi::out(out, "out")?;
        out.write(instantiate_linked(linker, store, module)?);
        Ok(())
    })
}

pub(crate) fn instantiate_component(
    store: &mut wasmpool_store_t,
    pre: &wasmpool_component_pre_t,
) -> Result<*mut wasmpool_component_instance_t> {
    same_engine(store, pre.engine(), "pre-instantiated component")?;
    store.check_instance_limit()?;
    with_slot(store, |store| match pre.instantiate(&mut store.store) {
        Ok(instance) => {
            let handle = wasmpool_component_instance_t::new(instance, store.store_ptr(), pre.info());
            Ok(store.components.adopt(handle))
        }
        Err(e) => Err(store.instantiate_error(e)),
    })
}

/// Instantiates the pre-instantiated component `pre` in `store` and writes
/// the instance to `*out`: the per-request path. The instance takes a
/// component instance slot and the slots of its core instances, memories and
/// tables from the pool until the store is deleted; it is owned by `store`
/// (no delete function).
///
/// `pre` may be used by several threads at once, each with its own store.
/// Errors: INVALID_ARGUMENT (a NULL argument, `pre` of another engine);
/// POOL_EXHAUSTED (no free slot now, or none within `slot_wait_timeout_ms`:
/// retry after a store is deleted); LIMIT_EXCEEDED (a store limit); TRAP (a
/// start function trapped); OTHER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_pre_instantiate(
    pre: *const wasmpool_component_pre_t,
    store: *mut wasmpool_store_t,
    out: *mut *mut wasmpool_component_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let pre = abi::arg_ref(pre, "pre")?;
        let store = abi::arg_mut(store, "store")?;
        let out = abi::out(out, "out")?;
        out.write(instantiate_component(store, pre)?);
        Ok(())
    })
}
