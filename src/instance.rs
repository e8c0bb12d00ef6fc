//! `wasmpool_instance_t`: an instantiated module inside a store, and calls
//! into its exported functions.

use std::ptr::NonNull;

use crate::error::{Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::ffi::{self, OutSlice};
use crate::module::wasmpool_module_t;
use crate::store::{WStore, wasmpool_store_t};
use crate::val::{kind_for, wasmpool_val_t};

/// An instance of a module. Owned by its store: there is no delete; it is
/// released, with its pool slots, by `wasmpool_store_delete`.
///
/// Thread safety: as its store (one thread at a time).
pub struct wasmpool_instance_t {
    pub(crate) instance: wasmtime::Instance,
    pub(crate) store: NonNull<WStore>,
}

impl wasmpool_instance_t {
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
pub(crate) fn adopt(store: &mut wasmpool_store_t, instance: wasmtime::Instance) -> *mut wasmpool_instance_t {
    let mut handle = Box::new(wasmpool_instance_t { instance, store: store.store_ptr() });
    let ptr: *mut wasmpool_instance_t = &mut *handle;
    store.instances.push(handle);
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

/// Classifies an instantiation failure.
pub(crate) fn instantiate_error(err: wasmtime::Error) -> Error {
    Error::from_wasmtime(err, K::WASMPOOL_ERROR_OTHER)
}

fn instantiate(store: &mut wasmpool_store_t, module: &wasmpool_module_t) -> Result<*mut wasmpool_instance_t> {
    if !wasmtime::Engine::same(store.store.engine(), module.module.engine()) {
        return Err(Error::invalid("the module was compiled for another engine than the store's"));
    }
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
    let instance = wasmtime::Instance::new(&mut *store.store, &module.module, &[]).map_err(instantiate_error)?;
    Ok(adopt(store, instance))
}

/// Instantiates `module`, which must have no imports, in `store`, and writes
/// the instance to `*out`. This takes slots (instance, memories, tables)
/// from the engine's pool until the store is deleted.
///
/// The instance is owned by `store` (no delete function): it is valid until
/// `wasmpool_store_delete(store)`. `module` is borrowed for the call only.
///
/// Errors: INVALID_ARGUMENT (a NULL argument, module of another engine);
/// LINK (the module has imports); POOL_EXHAUSTED (no free slot now: retry
/// after a store is deleted); TRAP (the start function trapped);
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

fn call(
    inst: &wasmpool_instance_t,
    name: &str,
    args: &[wasmpool_val_t],
    results: OutSlice<wasmpool_val_t>,
) -> Result<()> {
    // SAFETY: the instance handle is owned by a live store (caller contract).
    let store = unsafe { inst.store_mut() };
    let func = inst.instance.get_func(&mut *store, name).ok_or_else(|| {
        Error::new(K::WASMPOOL_ERROR_LINK, format!("the instance has no exported function `{name}`"))
    })?;
    let ty = func.ty(&*store);
    if ty.params().len() != args.len() || ty.results().len() != results.len() {
        return Err(Error::invalid(format!(
            "`{name}` takes {} argument(s) and returns {} result(s); the call passed {} and {}",
            ty.params().len(),
            ty.results().len(),
            args.len(),
            results.len()
        )));
    }
    let params = ty
        .params()
        .zip(args)
        .enumerate()
        .map(|(i, (pty, arg))| arg.to_wasmtime(&pty, &|| format!("argument {i} of `{name}`")))
        .collect::<Result<Vec<_>>>()?;
    for (i, rty) in ty.results().enumerate() {
        kind_for(&rty, &|| format!("result {i} of `{name}`"))?;
    }
    let mut vals = vec![wasmtime::Val::I32(0); results.len()];
    func.call(&mut *store, &params, &mut vals)
        .map_err(|e| Error::from_wasmtime(e, K::WASMPOOL_ERROR_OTHER))?;
    let converted = vals.iter().map(wasmpool_val_t::from_wasmtime).collect::<Result<Vec<_>>>()?;
    results.write_all(converted.into_iter());
    Ok(())
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
/// The store stays usable after any of these.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_instance_call(
    inst: *mut wasmpool_instance_t,
    name: *const std::ffi::c_char,
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
        call(inst, name, args, results)
    })
}
