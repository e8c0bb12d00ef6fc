//! `wasmpool_component_linker_t`: C host functions that components import
//! (by interface and name), and pre-instantiation.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::Arc;

use wasmtime::component::Val;
use wasmtime::component::types::ComponentFunc;

use crate::abi::{self, Boxed, Error, Handle, HostEnv, HostTrap, Result, StoreOwned, wasmpool_error_kind_t as K, wasmpool_finalizer_t};
use crate::abi::{wasmpool_error_t, wasmpool_trap_code_t};
use crate::component::compiled::{ComponentInfo, wasmpool_component_t};
use crate::component::pre::wasmpool_component_pre_t;
use crate::component::resource::Adopter;
use crate::component::val::{self, wasmpool_component_val_t};
use crate::engine::wasmpool_engine_t;
use crate::store::data::StoreData;

/// A host function implemented in C for components.
///
/// Called on the thread that runs the guest, with the `env` given to
/// `wasmpool_component_linker_define_func`, the calling store (`caller`,
/// valid only during this call), `nargs` arguments and room for `nresults`
/// results (as many as the imported function's type says).
///
/// The arguments are owned by wasmpool and valid until the callback returns.
/// The callback writes every result (kind and payload); the payloads it
/// points to (string bytes, list and record arrays, boxed option / variant /
/// result payloads) must be allocated with `malloc`: wasmpool takes them
/// over and frees them with `free` once converted, whether or not they
/// match the type.
///
/// Return NULL on success. To trap the guest, return an error (for example
/// from `wasmpool_trap_new`); wasmpool takes ownership of it and ignores the
/// results. A result of the wrong type also traps the guest, with a message
/// that says which result and where in it.
pub type wasmpool_component_func_callback_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        caller: *mut wasmpool_component_caller_t,
        args: *const wasmpool_component_val_t,
        nargs: usize,
        results: *mut wasmpool_component_val_t,
        nresults: usize,
    ) -> *mut wasmpool_error_t,
>;

/// The store a component host function was called in. Valid only during
/// the callback; never store it.
pub struct wasmpool_component_caller_t {
    /// The `StoreContextMut` of the running call (lifetime erased: the
    /// caller handle lives only as long as the callback).
    store: *mut c_void,
}

impl wasmpool_component_caller_t {
    /// Runs `f` with the calling store.
    pub(crate) fn with_store<R>(&mut self, f: impl FnOnce(&mut wasmtime::StoreContextMut<'_, StoreData>) -> R) -> R {
        // SAFETY: set by `call_host` to its store context, which outlives
        // the callback this handle is valid in.
        f(unsafe { &mut *self.store.cast::<wasmtime::StoreContextMut<'_, StoreData>>() })
    }
}

impl Handle for wasmpool_component_caller_t {
    type Ownership = StoreOwned;
}

/// Maps interface and function names to host functions for components, and
/// resolves a component's imports against them.
///
/// Create with `wasmpool_component_linker_new`, release with
/// `wasmpool_component_linker_delete` (pre-instantiated components made from
/// it stay valid). Thread safety: defining needs exclusive access;
/// `wasmpool_component_linker_instantiate_pre` may run on several threads
/// at once when no thread defines.
pub struct wasmpool_component_linker_t {
    pub(crate) linker: wasmtime::component::Linker<StoreData>,
    /// The engine runs guests on fiber stacks (`async_support`): WASI and
    /// `wasi:http` are then defined with their async host functions, which
    /// suspend the guest's fiber instead of blocking its thread.
    pub(crate) on_fiber: bool,
}

impl Handle for wasmpool_component_linker_t {
    type Ownership = Boxed;
}

impl wasmpool_component_linker_t {
    /// Runs `define` on the linker instance for `instance` ("" is the root),
    /// turning a refusal into a LINK error that names `instance#name`.
    pub(crate) fn define(
        &mut self,
        instance: &str,
        name: &str,
        define: impl FnOnce(&mut wasmtime::component::LinkerInstance<'_, StoreData>) -> wasmtime::Result<()>,
    ) -> Result<()> {
        let full = if instance.is_empty() { name.to_string() } else { format!("{instance}#{name}") };
        let link_error = |e: wasmtime::Error| Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define `{full}`: {e}"));
        let mut at = if instance.is_empty() { self.linker.root() } else { self.linker.instance(instance).map_err(link_error)? };
        define(&mut at).map_err(link_error)
    }
}


type Callback = unsafe extern "C" fn(
    *mut c_void,
    *mut wasmpool_component_caller_t,
    *const wasmpool_component_val_t,
    usize,
    *mut wasmpool_component_val_t,
    usize,
) -> *mut wasmpool_error_t;

fn host_trap(message: String) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap { code: wasmpool_trap_code_t::WASMPOOL_TRAP_HOST, message })
}

/// Runs the C callback for one call from a guest.
fn call_host(
    host: &HostEnv,
    callback: Callback,
    name: &str,
    mut store: wasmtime::StoreContextMut<'_, StoreData>,
    ty: ComponentFunc,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let mut adopter = Adopter::new(&mut store);
    let mut args: Vec<wasmpool_component_val_t> = params.iter().map(|v| val::from_wasmtime(v.clone(), &mut |r| adopter.adopt(r))).collect();
    let mut outs: Vec<wasmpool_component_val_t> = (0..results.len()).map(|_| val::zeroed()).collect();
    let mut caller = wasmpool_component_caller_t { store: ptr::from_mut(adopter.store).cast() };
    // SAFETY: all pointers are valid for the stated lengths during the call.
    let err = unsafe { callback(host.env, &mut caller, args.as_ptr(), args.len(), outs.as_mut_ptr(), outs.len()) };
    for a in &mut args {
        // SAFETY: made by `from_wasmtime` above.
        unsafe { val::free_owned(a) };
    }
    let converted = if err.is_null() {
        outs.iter()
            .zip(ty.results())
            .enumerate()
            .try_for_each(|(i, (out, rty))| {
                results[i] = val::to_wasmtime(out, &rty, &format!("result {i} of host function `{name}`"))?;
                Ok(())
            })
            .map_err(|e: Error| host_trap(e.message))
    } else {
        // SAFETY: a non-NULL return is an owned error handle (documented).
        let err = unsafe { Box::from_raw(err) };
        Err(err.into_host_error())
    };
    for o in &mut outs {
        // SAFETY: the callback handed its results' payloads over (documented).
        unsafe { val::free_owned(o) };
    }
    // Guest borrows end with the call, whatever the callback did.
    adopter.release_borrows()?;
    converted
}

/// A new, empty component linker for `engine`, written to `*out`. The caller
/// owns it (`wasmpool_component_linker_delete`); `engine` must outlive it.
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_new(
    engine: *const wasmpool_engine_t,
    out: *mut *mut wasmpool_component_linker_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let out = abi::out(out, "out")?;
        let linker = wasmtime::component::Linker::new(&engine.engine);
        let on_fiber = engine.knobs.engine.async_support;
        out.write(abi::into_boxed(wasmpool_component_linker_t { linker, on_fiber }));
        Ok(())
    })
}

/// Releases `linker`. NULL is accepted and ignored. Definitions still used by
/// pre-instantiated components or stores stay alive; their finalizers run
/// when the last of those is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_delete(linker: *mut wasmpool_component_linker_t) {
    unsafe { abi::delete(linker) }
}

/// Defines the host function `name` of the imported interface `instance`
/// (such as `example:kv/store@0.1.0`, or "" for a function imported at the
/// root), implemented by `callback`. Its type is the one the importing
/// component declares; arguments and results are checked against it at each
/// call.
///
/// `env` is passed to every call; the callback and `env` must be usable from
/// any thread that runs guests. `finalizer` (may be NULL) is called with
/// `env` exactly once, when the last linker, pre-instantiated component or
/// store using this definition is gone. If this function fails, nothing is
/// kept and the finalizer is not called.
///
/// Errors: INVALID_ARGUMENT (NULL `linker`, `instance`, `name` or
/// `callback`); LINK (the name is already defined).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_func(
    linker: *mut wasmpool_component_linker_t,
    instance: *const c_char,
    name: *const c_char,
    callback: wasmpool_component_func_callback_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let instance = abi::arg_str(instance, "instance")?;
        let name = abi::arg_str(name, "name")?;
        let callback = abi::arg_fn(callback, "callback")?;
        let host = HostEnv::new(env, finalizer);
        let shared = Arc::clone(&host);
        let full = if instance.is_empty() { name.to_string() } else { format!("{instance}#{name}") };
        let func = move |store: wasmtime::StoreContextMut<'_, StoreData>, ty: ComponentFunc, params: &[Val], results: &mut [Val]| {
            call_host(&shared, callback, &full, store, ty, params, results)
        };
        linker.define(instance, name, |at| at.func_new(name, func))?;
        host.arm();
        Ok(())
    })
}

fn same_engine(linker: &wasmpool_component_linker_t, component: &wasmpool_component_t) -> Result<()> {
    if wasmtime::Engine::same(linker.linker.engine(), component.component.engine()) {
        Ok(())
    } else {
        Err(Error::invalid("the component was compiled for another engine than the linker's"))
    }
}

/// Defines every import of `component` that `linker` does not define yet as
/// a function that traps when called (TRAP error, trap code
/// `WASMPOOL_TRAP_UNKNOWN_IMPORT`), so a component with imports the host does
/// not provide can be instantiated. Errors: INVALID_ARGUMENT (NULL argument,
/// component of another engine); LINK.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_unknown_imports_as_traps(
    linker: *mut wasmpool_component_linker_t,
    component: *const wasmpool_component_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let component = abi::arg_ref(component, "component")?;
        same_engine(linker, component)?;
        linker
            .linker
            .define_unknown_imports_as_traps(&component.component)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("{e:?}")))
    })
}

/// Resolves every import of `component` against `linker` once, and writes the
/// pre-instantiated component to `*out`: what a server keeps to make one
/// fresh instance per request (`wasmpool_component_pre_instantiate`).
///
/// The result is owned by the caller (`wasmpool_component_pre_delete`) and
/// keeps what it needs of `linker` and `component`: both may be deleted
/// afterwards. Errors: INVALID_ARGUMENT (NULL argument, component of another
/// engine); LINK (an import is missing or has the wrong type; the message
/// names it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_instantiate_pre(
    linker: *const wasmpool_component_linker_t,
    component: *const wasmpool_component_t,
    out: *mut *mut wasmpool_component_pre_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_ref(linker, "linker")?;
        let component = abi::arg_ref(component, "component")?;
        let out = abi::out(out, "out")?;
        same_engine(linker, component)?;
        let pre = linker
            .linker
            .instantiate_pre(&component.component)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("{e:?}")))?;
        let info: Arc<ComponentInfo> = Arc::clone(&component.info);
        out.write(abi::into_boxed(wasmpool_component_pre_t::new(pre, info)));
        Ok(())
    })
}
