//! `wasmpool_instance_t`: an instantiated module inside a store, and calls
//! into its exported functions.

use std::ptr::NonNull;

use std::cell::RefCell;
use std::ffi::c_char;
use std::sync::Arc;

use crate::error::{Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::ffi;
use crate::linker::wasmpool_instance_pre_t;
use crate::module::wasmpool_module_t;
use crate::module_info::ModuleInfo;
use crate::store::{WStore, wasmpool_store_t};
use crate::func::{invoke, wasmpool_func_t};
use crate::module_info::{ExternInfo, wasmpool_externkind_t};
use crate::val::wasmpool_val_t;

/// An instance of a module. Owned by its store: there is no delete; it is
/// released, with its pool slots, by `wasmpool_store_delete`.
///
/// Thread safety: as its store (one thread at a time).
pub struct wasmpool_instance_t {
    pub(crate) instance: wasmtime::Instance,
    pub(crate) store: NonNull<WStore>,
    pub(crate) info: Arc<ModuleInfo>,
    /// Exported functions already looked up, by export index (filled on
    /// first call; no allocation for instances that are never called).
    funcs: RefCell<Vec<Option<wasmtime::Func>>>,
    /// Handles given out by `wasmpool_instance_func`, freed with the store.
    pub(crate) handles: RefCell<Vec<Box<wasmpool_func_t>>>,
}

impl wasmpool_instance_t {
    /// The exported function `name` with its cached type.
    pub(crate) fn func(&self, name: &str) -> Result<(wasmtime::Func, &ExternInfo)> {
        let missing = || Error::new(K::WASMPOOL_ERROR_LINK, format!("the instance has no exported function `{name}`"));
        let index = self.info.export_index(name).ok_or_else(missing)?;
        let ty = &self.info.exports[index];
        if ty.kind != wasmpool_externkind_t::WASMPOOL_EXTERN_FUNC {
            return Err(missing());
        }
        let mut cache = self.funcs.borrow_mut();
        if cache.is_empty() {
            cache.resize(self.info.exports.len(), None);
        }
        if let Some(func) = cache[index] {
            return Ok((func, ty));
        }
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { self.store_mut() };
        let func = ty
            .index
            .as_ref()
            .and_then(|i| self.instance.get_module_export(&mut *store, i))
            .and_then(|e| e.into_func())
            .ok_or_else(missing)?;
        cache[index] = Some(func);
        Ok((func, ty))
    }

    /// The store this instance lives in.
    ///
    /// # Safety
    /// The store must be alive (it owns this handle, so it is, as long as the
    /// caller respects the documented lifetime) and not borrowed elsewhere.
    pub(crate) unsafe fn store_mut(&self) -> &mut WStore {
        unsafe { &mut *self.store.as_ptr() }
    }
}

/// Records a new Wasmtime instance in `store` and returns its handle.
fn adopt(store: &mut wasmpool_store_t, instance: wasmtime::Instance, info: Arc<ModuleInfo>) -> *mut wasmpool_instance_t {
    let handle = wasmpool_instance_t {
        instance,
        store: store.store_ptr(),
        info,
        funcs: RefCell::default(),
        handles: RefCell::default(),
    };
    if store.first.is_none() {
        return store.first.insert(handle);
    }
    let mut boxed = Box::new(handle);
    let ptr: *mut wasmpool_instance_t = &mut *boxed;
    store.more.push(boxed);
    ptr
}

/// A short word for the kind of an import or export.
pub(crate) fn extern_kind_name(ty: &wasmtime::ExternType) -> &'static str {
    match ty {
        wasmtime::ExternType::Func(_) => "function",
        wasmtime::ExternType::Global(_) => "global",
        wasmtime::ExternType::Table(_) => "table",
        wasmtime::ExternType::Memory(_) => "memory",
        wasmtime::ExternType::Tag(_) => "tag",
    }
}

fn same_engine(store: &wasmpool_store_t, engine: &wasmtime::Engine, what: &str) -> Result<()> {
    if wasmtime::Engine::same(store.store.engine(), engine) {
        Ok(())
    } else {
        Err(Error::invalid(format!("the {what} belongs to another engine than the store")))
    }
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
    with_slot(store, |store| match wasmtime::Instance::new(&mut store.store, &module.module, &[]) {
        Ok(instance) => Ok(adopt(store, instance, module.info())),
        Err(e) => Err(store.instantiate_error(e)),
    })
}

/// Runs an instantiation attempt, waiting in line for a free slot when the
/// engine has a slot wait timeout.
fn with_slot(
    store: &mut wasmpool_store_t,
    mut attempt: impl FnMut(&mut wasmpool_store_t) -> Result<*mut wasmpool_instance_t>,
) -> Result<*mut wasmpool_instance_t> {
    let Some(release) = store.release.as_ref().filter(|_| !store.slot_wait.is_zero()) else {
        return attempt(store);
    };
    let queue = Arc::clone(&release.0);
    queue.acquire(store.slot_wait, || attempt(store))
}

fn instantiate_pre(store: &mut wasmpool_store_t, pre: &wasmpool_instance_pre_t) -> Result<*mut wasmpool_instance_t> {
    same_engine(store, pre.pre.module().engine(), "pre-linked instance")?;
    store.check_instance_limit()?;
    with_slot(store, |store| match pre.pre.instantiate(&mut store.store) {
        Ok(instance) => Ok(adopt(store, instance, Arc::clone(&pre.info))),
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
pub extern "C" fn wasmpool_instance_pre_instantiate(
    pre: *const wasmpool_instance_pre_t,
    store: *mut wasmpool_store_t,
    out: *mut *mut wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let pre = ffi::arg_ref(pre, "pre")?;
        let store = ffi::arg_mut(store, "store")?;
        let out = ffi::out(out, "out")?;
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
pub extern "C" fn wasmpool_instantiate(
    store: *mut wasmpool_store_t,
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let store = ffi::arg_mut(store, "store")?;
        let module = ffi::arg_ref(module, "module")?;
        let out = ffi::out(out, "out")?;
        out.write(instantiate(store, module)?);
        Ok(())
    })
}

/// Calls the exported function `name` of `inst` with `nargs` arguments and
/// room for `nresults` results.
///
/// The counts must equal the function's arity, and each argument's kind its
/// parameter type. `args` is read and `results` written (all of them, only
/// on success); either may be NULL when its count is 0. `name` is a
/// NUL-terminated UTF-8 string. Calls on one store must not overlap.
///
/// Errors: INVALID_ARGUMENT (NULL where required, wrong counts or kinds);
/// LINK (no such exported function); TRAP (with a trap code, see
/// `wasmpool_error_trap_code`); INTERRUPTED (epoch deadline); OUT_OF_FUEL.
/// The store stays usable after any of these. A host function must not call
/// back into its own store this way (INVALID_ARGUMENT): use another store.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_instance_call(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let inst = ffi::arg_ref(inst, "inst")?;
        let name = ffi::arg_str(name, "name")?;
        let args = ffi::arg_slice(args, nargs, "args")?;
        let results = ffi::out_slice(results, nresults, "results")?;
        let (func, ty) = inst.func(name)?;
        invoke(inst, func, ty, name, args, results)
    })
}

fn export_missing(what: &str, name: &str) -> Error {
    Error::new(K::WASMPOOL_ERROR_LINK, format!("the instance exports no {what} `{name}`"))
}

/// The exported memory `name` of `inst`: writes its base address to `*data`
/// and its size in bytes to `*size`.
///
/// The pointer is valid until the next call into any guest of this store
/// (the guest may grow the memory, which can move it) or the store's
/// deletion. Reading and writing through it is how a host passes data.
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no such memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_instance_memory(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let inst = ffi::arg_ref(inst, "inst")?;
        let name = ffi::arg_str(name, "name")?;
        let data = ffi::out(data, "data")?;
        let size = ffi::out(size, "size")?;
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        let memory = inst.instance.get_memory(&mut *store, name).ok_or_else(|| export_missing("memory", name))?;
        data.write(memory.data_ptr(&*store));
        size.write(memory.data_size(&*store));
        Ok(())
    })
}

/// Reads the exported global `name` of `inst` into `*out` (kind and value).
/// Errors: INVALID_ARGUMENT (NULL argument, a reference-typed global); LINK
/// (no such global).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_instance_global_get(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let inst = ffi::arg_ref(inst, "inst")?;
        let name = ffi::arg_str(name, "name")?;
        let out = ffi::out(out, "out")?;
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        let global = inst.instance.get_global(&mut *store, name).ok_or_else(|| export_missing("global", name))?;
        out.write(wasmpool_val_t::from_wasmtime(&global.get(&mut *store))?);
        Ok(())
    })
}

/// Writes `*value` to the exported mutable global `name` of `inst`.
/// Errors: INVALID_ARGUMENT (NULL argument, wrong kind, immutable global);
/// LINK (no such global).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_instance_global_set(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    value: *const wasmpool_val_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let inst = ffi::arg_ref(inst, "inst")?;
        let name = ffi::arg_str(name, "name")?;
        let value = ffi::arg_ref(value, "value")?;
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        let global = inst.instance.get_global(&mut *store, name).ok_or_else(|| export_missing("global", name))?;
        let ty = global.ty(&*store);
        if ty.mutability() != wasmtime::Mutability::Var {
            return Err(Error::invalid(format!("global `{name}` is immutable")));
        }
        let v = value.to_wasmtime(ty.content(), &|| format!("the value for global `{name}`"))?;
        global.set(&mut *store, v).map_err(|e| Error::invalid(format!("{e}")))
    })
}
