//! `wasmpool_linker_t` and `wasmpool_caller_t`: C host functions that guests
//! import, and the pre-linking step that resolves imports once per module.

use std::ffi::{c_char, c_void};
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::abi::{self, Boxed, CEnum, Error, Handle, HostEnv, HostTrap, Result, raw, wasmpool_finalizer_t};
use crate::abi::{wasmpool_error_kind_t as K, wasmpool_error_t, wasmpool_trap_code_t};
use crate::core::caller::wasmpool_caller_t;
use crate::core::externs::StoreRef;
use crate::core::global::wasmpool_global_t;
use crate::core::instance::wasmpool_instance_t;
use crate::core::memory::wasmpool_memory_t;
use crate::core::table::wasmpool_table_t;
use crate::core::instance_pre::wasmpool_instance_pre_t;
use crate::core::module::wasmpool_module_t;
use crate::core::names::arg_name;
use crate::core::val::{is_ref, wasmpool_val_t, wasmpool_valkind_t, wasmpool_valunion_t};
use wasmtime::AsContextMut;
use crate::engine::wasmpool_engine_t;
use crate::store::data::StoreData;
use crate::store::wasmpool_store_t;

/// A host function implemented in C.
///
/// Called on the thread that runs the guest, with the `env` given to
/// `wasmpool_linker_define_func`, the calling instance (`caller`, valid only
/// during this call), `nargs` arguments and room for `nresults` results. The
/// results arrive with their kinds already set to the declared result types;
/// the callback writes the values (and must keep the kinds).
///
/// Return NULL on success. To trap the guest, return an error (for example
/// from `wasmpool_trap_new`); wasmpool takes ownership of it, and the
/// guest's caller receives a TRAP error with its message and trap code
/// (`WASMPOOL_TRAP_HOST` unless the error carries another).
pub type wasmpool_func_callback_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        caller: *mut wasmpool_caller_t,
        args: *const wasmpool_val_t,
        nargs: usize,
        results: *mut wasmpool_val_t,
        nresults: usize,
    ) -> *mut wasmpool_error_t,
>;


/// Maps module/name pairs to host functions, and resolves a module's imports
/// against them.
///
/// Create with `wasmpool_linker_new`, release with `wasmpool_linker_delete`
/// (pre-linked instances made from it stay valid).
///
/// Thread safety: defining needs exclusive access; `wasmpool_linker_instantiate_pre`
/// may run on several threads at once when no thread defines.
pub struct wasmpool_linker_t {
    pub(crate) linker: wasmtime::Linker<StoreData>,
    /// The store whose memories, tables, globals or instance exports were
    /// defined (`wasmpool_linker_define_memory` and the like), if any: what
    /// is linked from this linker can be instantiated in that store only.
    pub(crate) bound: Option<StoreRef>,
}

impl Handle for wasmpool_linker_t {
    type Ownership = Boxed;
}


pub(crate) fn valtype(raw_kind: raw::wasmpool_valkind_t, what: &dyn Fn() -> String) -> Result<wasmtime::ValType> {
    use wasmpool_valkind_t as V;
    let kind = wasmpool_valkind_t::from_c(raw_kind).map_err(|e| Error::invalid(format!("{}: {}", what(), e.message)))?;
    Ok(match kind {
        V::WASMPOOL_VALKIND_I32 => wasmtime::ValType::I32,
        V::WASMPOOL_VALKIND_I64 => wasmtime::ValType::I64,
        V::WASMPOOL_VALKIND_F32 => wasmtime::ValType::F32,
        V::WASMPOOL_VALKIND_F64 => wasmtime::ValType::F64,
        V::WASMPOOL_VALKIND_V128 => wasmtime::ValType::V128,
        V::WASMPOOL_VALKIND_FUNCREF => wasmtime::ValType::FUNCREF,
        V::WASMPOOL_VALKIND_EXTERNREF => wasmtime::ValType::EXTERNREF,
        V::WASMPOOL_VALKIND_ANYREF => wasmtime::ValType::ANYREF,
        V::WASMPOOL_VALKIND_EXNREF => wasmtime::ValType::EXNREF,
        V::WASMPOOL_VALKIND_REF => {
            return Err(Error::invalid(format!(
                "{}: WASMPOOL_VALKIND_REF names no type; use FUNCREF, EXTERNREF, ANYREF or EXNREF",
                what()
            )));
        }
    })
}

/// Values kept on the stack for host calls; more use the heap.
const INLINE_VALS: usize = 16;

/// Calls the C callback with the raw call slots converted to values, and
/// writes its results back into the slots.
fn call_host(
    host: &HostEnv,
    callback: unsafe extern "C" fn(
        *mut c_void,
        *mut wasmpool_caller_t,
        *const wasmpool_val_t,
        usize,
        *mut wasmpool_val_t,
        usize,
    ) -> *mut wasmpool_error_t,
    mut caller: wasmtime::Caller<'_, StoreData>,
    slots: &mut [MaybeUninit<wasmtime::ValRaw>],
    sig: &HostSig,
) -> wasmtime::Result<()> {
    let (params, results) = (&sig.params[..], &sig.results[..]);
    let zero = wasmpool_val_t { kind: 0, of: wasmpool_valunion_t { v128: [0; 16] } };
    let mut inline = [zero; 2 * INLINE_VALS];
    let mut heap = Vec::new();
    // Arguments first, then results, in one buffer.
    let (vals, split): (&mut [wasmpool_val_t], usize) =
        if params.len() <= INLINE_VALS && results.len() <= INLINE_VALS {
            (&mut inline[..], INLINE_VALS)
        } else {
            heap.resize(params.len() + results.len(), zero);
            (&mut heap[..], params.len())
        };
    let (args, outs) = vals.split_at_mut(split);
    // Every root made from here to the end of the callback (parameters,
    // refs the host makes or reads through the caller) is released when it
    // returns, after its results are in their slots.
    caller.data_mut().refs.open_scope();
    let done = call_scoped(host, callback, &mut caller, slots, sig, args, outs);
    caller.data_mut().refs.close_scope();
    done
}

/// The body of [`call_host`] inside the callback's root scope.
#[allow(clippy::too_many_arguments)]
fn call_scoped(
    host: &HostEnv,
    callback: unsafe extern "C" fn(
        *mut c_void,
        *mut wasmpool_caller_t,
        *const wasmpool_val_t,
        usize,
        *mut wasmpool_val_t,
        usize,
    ) -> *mut wasmpool_error_t,
    caller: &mut wasmtime::Caller<'_, StoreData>,
    slots: &mut [MaybeUninit<wasmtime::ValRaw>],
    sig: &HostSig,
    args: &mut [wasmpool_val_t],
    outs: &mut [wasmpool_val_t],
) -> wasmtime::Result<()> {
    let (params, results) = (&sig.params[..], &sig.results[..]);
    for (i, &kind) in params.iter().enumerate() {
        // SAFETY: Wasmtime initialises the parameter slots.
        let raw = unsafe { slots[i].assume_init_ref() };
        args[i] = if is_ref(kind) {
            // SAFETY: Wasm wrote the slot with the declared type, and nothing
            // collected since. The host receives a root it may release.
            unsafe { wasmpool_val_t::from_raw_typed(*raw, &sig.param_types[i], caller.as_context_mut()) }
                .map_err(|e| host_trap(format!("parameter {i}: {}", e.message)))?
        } else {
            wasmpool_val_t::from_raw(kind, raw)
        };
    }
    let outs = &mut outs[..results.len()];
    for (out, &kind) in outs.iter_mut().zip(results) {
        out.kind = kind;
    }
    // The callback sees the caller only through this pointer, valid for the
    // duration of the call; the 'static is never observable outside it.
    let mut handle = wasmpool_caller_t {
        caller: NonNull::from(&mut *caller).cast::<wasmtime::Caller<'static, StoreData>>(),
    };
    // SAFETY: all pointers are valid for the stated lengths during the call.
    let err = unsafe { callback(host.env, &mut handle, args.as_ptr(), params.len(), outs.as_mut_ptr(), outs.len()) };
    if err.is_null() {
        // The results are exposed to Wasm in their slots before the scope's
        // roots go, so releasing cannot free what the host returned.
        write_results(caller, slots, outs, sig)
    } else {
        // SAFETY: a non-NULL return is an owned error handle (documented).
        let err = unsafe { Box::from_raw(err) };
        Err(err.into_host_error())
    }
}

/// Converts what the callback wrote into the result slots.
fn write_results(
    caller: &mut wasmtime::Caller<'_, StoreData>,
    slots: &mut [MaybeUninit<wasmtime::ValRaw>],
    outs: &[wasmpool_val_t],
    sig: &HostSig,
) -> wasmtime::Result<()> {
    for (i, (out, &kind)) in outs.iter().zip(&sig.results).enumerate() {
        let what = || format!("result {i} written by the host function");
        let raw = if is_ref(kind) {
            out.to_raw_typed(&sig.result_types[i], caller.as_context_mut(), &what)
        } else {
            out.to_raw(kind, &what)
        };
        slots[i] = MaybeUninit::new(raw.map_err(|e| host_trap(e.message))?);
    }
    Ok(())
}

fn host_trap(message: String) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap { code: wasmpool_trap_code_t::WASMPOOL_TRAP_HOST, message })
}

/// A host function's signature as its calls need it: the kinds C declared,
/// and the Wasmtime types for converting references.
struct HostSig {
    params: Vec<raw::wasmpool_valkind_t>,
    results: Vec<raw::wasmpool_valkind_t>,
    param_types: Vec<wasmtime::ValType>,
    result_types: Vec<wasmtime::ValType>,
}

/// A new, empty linker for modules of `engine`, written to `*out`.
///
/// The caller owns the linker (`wasmpool_linker_delete`); `engine` must
/// outlive it. Errors: INVALID_ARGUMENT (NULL `engine` or `out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_new(
    engine: *const wasmpool_engine_t,
    out: *mut *mut wasmpool_linker_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let out = abi::out(out, "out")?;
        out.write(abi::into_boxed(wasmpool_linker_t { linker: wasmtime::Linker::new(&engine.engine), bound: None }));
        Ok(())
    })
}

/// Releases `linker`. NULL is accepted and ignored. Host function
/// definitions still used by pre-linked instances or stores stay alive; their
/// finalizers run when the last of those is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_delete(linker: *mut wasmpool_linker_t) {
    unsafe { abi::delete(linker) }
}

/// Defines the host function `module_name`.`name` with the given parameter
/// and result kinds, implemented by `callback`.
///
/// `env` is passed to every call of `callback`; the callback and `env` must
/// be usable from any thread that runs guests. `finalizer` (may be NULL) is
/// called with `env` exactly once, when the last linker, pre-linked instance
/// or store using this definition is gone. If this function fails, nothing
/// is kept and the finalizer is not called: `env` stays the caller's.
///
/// Errors: INVALID_ARGUMENT (NULL `linker`, names, `callback`, NULL arrays
/// with non-zero counts, unknown kinds); LINK (the name is already defined).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_func(
    linker: *mut wasmpool_linker_t,
    module_name: *const c_char,
    name: *const c_char,
    params: *const raw::wasmpool_valkind_t,
    nparams: usize,
    results: *const raw::wasmpool_valkind_t,
    nresults: usize,
    callback: wasmpool_func_callback_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let module_name = abi::arg_str(module_name, "module_name")?;
        let name = abi::arg_str(name, "name")?;
        let sig = Signature { params: abi::arg_slice(params, nparams, "params")?, results: abi::arg_slice(results, nresults, "results")? };
        define_func(linker, module_name, name, sig, callback, HostEnv::new(env, finalizer))
    })
}

/// `wasmpool_linker_define_func` with the names given as `module_name_len`
/// bytes at `module_name` and `name_len` bytes at `name` (UTF-8, NUL
/// allowed; NULL only with a length of 0). Same ownership of `env` and the
/// same errors.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_func_n(
    linker: *mut wasmpool_linker_t,
    module_name: *const c_char,
    module_name_len: usize,
    name: *const c_char,
    name_len: usize,
    params: *const raw::wasmpool_valkind_t,
    nparams: usize,
    results: *const raw::wasmpool_valkind_t,
    nresults: usize,
    callback: wasmpool_func_callback_t,
    env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let module_name = arg_name(module_name, module_name_len, "module_name")?;
        let name = arg_name(name, name_len, "name")?;
        let sig = Signature { params: abi::arg_slice(params, nparams, "params")?, results: abi::arg_slice(results, nresults, "results")? };
        define_func(linker, module_name, name, sig, callback, HostEnv::new(env, finalizer))
    })
}

/// A host function's declared parameter and result kinds, as C gave them.
struct Signature<'a> {
    params: &'a [raw::wasmpool_valkind_t],
    results: &'a [raw::wasmpool_valkind_t],
}

/// The body of both define exports; `host` is armed (owns `env`) only if the
/// definition is accepted.
fn define_func(
    linker: &mut wasmpool_linker_t,
    module_name: &str,
    name: &str,
    sig: Signature<'_>,
    callback: wasmpool_func_callback_t,
    host: Arc<HostEnv>,
) -> Result<()> {
    let callback = abi::arg_fn(callback, "callback")?;
    let param_types = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, k)| valtype(*k, &|| format!("parameter {i}")))
        .collect::<Result<Vec<_>>>()?;
    let result_types = sig
        .results
        .iter()
        .enumerate()
        .map(|(i, k)| valtype(*k, &|| format!("result {i}")))
        .collect::<Result<Vec<_>>>()?;
    let ty = wasmtime::FuncType::new(linker.linker.engine(), param_types.clone(), result_types.clone());
    let host_sig = HostSig { params: sig.params.to_vec(), results: sig.results.to_vec(), param_types, result_types };
    let shared = Arc::clone(&host);
    // SAFETY: `call_host` reads exactly the declared parameters, by their
    // types, and writes every result with its declared type (references
    // checked against the store and type) before returning Ok.
    unsafe {
        linker.linker.func_new_unchecked(module_name, name, ty, move |caller, slots| {
            call_host(&shared, callback, caller, slots, &host_sig)
        })
    }
    .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define `{module_name}`.`{name}`: {e}")))?;
    host.arm();
    Ok(())
}

/// Defines every function import of `module` that `linker` does not define
/// yet as a function that traps when called (TRAP error, trap code
/// `WASMPOOL_TRAP_UNKNOWN_IMPORT`), so a module with optional imports can be
/// instantiated. Errors: INVALID_ARGUMENT (NULL argument, module of another
/// engine); LINK.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_unknown_imports_as_traps(
    linker: *mut wasmpool_linker_t,
    module: *const wasmpool_module_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        let module = abi::arg_ref(module, "module")?;
        if !wasmtime::Engine::same(linker.linker.engine(), module.module.engine()) {
            return Err(Error::invalid("the module was compiled for another engine than the linker's"));
        }
        linker
            .linker
            .define_unknown_imports_as_traps(&module.module)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("{e:?}")))
    })
}

/// Resolves every import of `module` against `linker` once, and writes the
/// pre-linked instance to `*out`.
///
/// The result is owned by the caller (`wasmpool_instance_pre_delete`) and
/// keeps what it needs of `linker` and `module`: both may be deleted
/// afterwards. A linker holding a store's memories, tables, globals or
/// instances (`wasmpool_linker_define_memory` and the like) makes a
/// pre-linked instance for that store only, typed with the sizes those
/// memories and tables had when defined: `wasmpool_linker_instantiate` reads
/// their sizes now. Errors: INVALID_ARGUMENT (NULL argument, module of another
/// engine); LINK (an import is missing or has the wrong type; the message
/// names it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_instantiate_pre(
    linker: *const wasmpool_linker_t,
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_instance_pre_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_ref(linker, "linker")?;
        let module = abi::arg_ref(module, "module")?;
        let out = abi::out(out, "out")?;
        if !wasmtime::Engine::same(linker.linker.engine(), module.module.engine()) {
            return Err(Error::invalid("the module was compiled for another engine than the linker's"));
        }
        let pre = linker
            .linker
            .instantiate_pre(&module.module)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("{e:?}")))?;
        out.write(abi::into_boxed(wasmpool_instance_pre_t::new(pre, module.info(), linker.bound)));
        Ok(())
    })
}

/// Checks that `store` may give definitions to `linker`: the same engine,
/// and the only store the linker holds definitions of.
fn bind(linker: &mut wasmpool_linker_t, store: &mut wasmpool_store_t) -> Result<()> {
    if !wasmtime::Engine::same(linker.linker.engine(), store.store.engine()) {
        return Err(Error::invalid("the store belongs to another engine than the linker"));
    }
    let this = StoreRef(store.store_ptr());
    match linker.bound {
        Some(bound) if bound != this => {
            Err(Error::invalid("the linker already holds definitions of another store; use one linker per store"))
        }
        _ => {
            linker.bound = Some(this);
            Ok(())
        }
    }
}

/// Defines `module_name`.`name` as `item` of `store` (checked by the caller).
fn define_extern(
    linker: &mut wasmpool_linker_t,
    store: &mut wasmpool_store_t,
    module_name: &str,
    name: &str,
    item: wasmtime::Extern,
) -> Result<()> {
    let before = linker.bound;
    bind(linker, store)?;
    linker.linker.define(&store.store, module_name, name, item).map(|_| ()).map_err(|e| {
        linker.bound = before;
        Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define `{module_name}`.`{name}`: {e}"))
    })
}

/// Defines the import `module_name`.`name` as `memory`, a memory of `store`.
///
/// Modules instantiated from this linker then share the memory (and see
/// what the host or other instances wrote to it). A module whose import has
/// another type (a table, say, or limits the memory does not meet) fails to
/// link with LINK, naming both types, when it is instantiated. From now on
/// the linker makes instances for `store` only (see
/// `wasmpool_linker_instantiate`) and must not link anything once `store`
/// is deleted (delete the linker with it); it borrows nothing of `memory`,
/// which lives as long as its store.
///
/// Errors: INVALID_ARGUMENT (NULL argument; `memory` of another store, or
/// `store` of another engine than the linker, or the linker holding another
/// store's definitions); LINK (the name is already defined).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_memory(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    name: *const c_char,
    memory: *const wasmpool_memory_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let (module_name, name) = (abi::arg_str(module_name, "module_name")?, abi::arg_str(name, "name")?);
        define_handle(linker, store, module_name, name, abi::arg_ref(memory, "memory")?)
    })
}

/// `wasmpool_linker_define_memory` with the names given as (pointer, length)
/// bytes (UTF-8, NUL allowed; NULL only with a length of 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_memory_n(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    module_name_len: usize,
    name: *const c_char,
    name_len: usize,
    memory: *const wasmpool_memory_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let module_name = arg_name(module_name, module_name_len, "module_name")?;
        let name = arg_name(name, name_len, "name")?;
        define_handle(linker, store, module_name, name, abi::arg_ref(memory, "memory")?)
    })
}

/// A store-owned extern handle a linker can define: its store (checked
/// against the store given) and the extern it stands for.
trait Definable {
    const WHAT: &'static str;
    fn owner(&self) -> &StoreRef;
    fn as_extern(&self) -> wasmtime::Extern;
}

impl Definable for wasmpool_memory_t {
    const WHAT: &'static str = "memory";
    fn owner(&self) -> &StoreRef {
        &self.store
    }
    fn as_extern(&self) -> wasmtime::Extern {
        self.memory.to_extern()
    }
}

impl Definable for wasmpool_table_t {
    const WHAT: &'static str = "table";
    fn owner(&self) -> &StoreRef {
        &self.store
    }
    fn as_extern(&self) -> wasmtime::Extern {
        self.table.into()
    }
}

impl Definable for wasmpool_global_t {
    const WHAT: &'static str = "global";
    fn owner(&self) -> &StoreRef {
        &self.store
    }
    fn as_extern(&self) -> wasmtime::Extern {
        self.global.into()
    }
}

/// Defines `module_name`.`name` as `handle`, an extern of `store`.
fn define_handle<H: Definable>(
    linker: &mut wasmpool_linker_t,
    store: &mut wasmpool_store_t,
    module_name: &str,
    name: &str,
    handle: &H,
) -> Result<()> {
    handle.owner().check(store, H::WHAT)?;
    define_extern(linker, store, module_name, name, handle.as_extern())
}

/// Defines the import `module_name`.`name` as `table`, a table of `store`.
/// Same rules, lifetimes and errors as `wasmpool_linker_define_memory`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_table(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    name: *const c_char,
    table: *const wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let (module_name, name) = (abi::arg_str(module_name, "module_name")?, abi::arg_str(name, "name")?);
        define_handle(linker, store, module_name, name, abi::arg_ref(table, "table")?)
    })
}

/// `wasmpool_linker_define_table` with the names given as (pointer, length)
/// bytes (UTF-8, NUL allowed; NULL only with a length of 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_table_n(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    module_name_len: usize,
    name: *const c_char,
    name_len: usize,
    table: *const wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let module_name = arg_name(module_name, module_name_len, "module_name")?;
        let name = arg_name(name, name_len, "name")?;
        define_handle(linker, store, module_name, name, abi::arg_ref(table, "table")?)
    })
}


/// Defines the import `module_name`.`name` as `global`, a global of `store`.
/// Same rules, lifetimes and errors as `wasmpool_linker_define_memory` (a
/// module importing a mutable global shares it; one importing an immutable
/// global needs an immutable one of the same kind).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_global(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    name: *const c_char,
    global: *const wasmpool_global_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let (module_name, name) = (abi::arg_str(module_name, "module_name")?, abi::arg_str(name, "name")?);
        define_handle(linker, store, module_name, name, abi::arg_ref(global, "global")?)
    })
}

/// `wasmpool_linker_define_global` with the names given as (pointer, length)
/// bytes (UTF-8, NUL allowed; NULL only with a length of 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_global_n(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    module_name: *const c_char,
    module_name_len: usize,
    name: *const c_char,
    name_len: usize,
    global: *const wasmpool_global_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        let module_name = arg_name(module_name, module_name_len, "module_name")?;
        let name = arg_name(name, name_len, "name")?;
        define_handle(linker, store, module_name, name, abi::arg_ref(global, "global")?)
    })
}


/// Defines every export of `instance` (an instance of `store`) under the
/// module name `name`: its functions, memories, tables and globals satisfy
/// the imports `name`.`<export>` of modules linked afterwards (the spec
/// tests' `register`). Same rules, lifetimes and errors as
/// `wasmpool_linker_define_memory`; LINK if one of the names is already
/// defined (the exports before it stay defined: use a fresh module name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_instance(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    name: *const c_char,
    instance: *const wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        define_instance(linker, store, abi::arg_str(name, "name")?, abi::arg_ref(instance, "instance")?)
    })
}

/// `wasmpool_linker_define_instance` with the name given as `name_len` bytes
/// at `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_instance_n(
    linker: *mut wasmpool_linker_t,
    store: *mut wasmpool_store_t,
    name: *const c_char,
    name_len: usize,
    instance: *const wasmpool_instance_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let (linker, store) = (abi::arg_mut(linker, "linker")?, abi::arg_mut(store, "store")?);
        define_instance(linker, store, arg_name(name, name_len, "name")?, abi::arg_ref(instance, "instance")?)
    })
}

fn define_instance(
    linker: &mut wasmpool_linker_t,
    store: &mut wasmpool_store_t,
    name: &str,
    instance: &wasmpool_instance_t,
) -> Result<()> {
    StoreRef(instance.store).check(store, "instance")?;
    let before = linker.bound;
    bind(linker, store)?;
    linker.linker.instance(&mut store.store, name, instance.instance).map(|_| ()).map_err(|e| {
        linker.bound = before;
        Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define the instance as `{name}`: {e}"))
    })
}
