//! Calling exported functions: by name (`wasmpool_instance_call`), or
//! through a `wasmpool_func_t` looked up once; both share one raw call path.
//! Also the type of an exported function.

use std::ffi::c_char;

use crate::abi::{self, Error, OutSlice, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::core::externs::StoreRef;
use crate::core::instance::{FuncTy, wasmpool_func_t, wasmpool_instance_t};
use crate::core::names::arg_name;
use crate::core::module_info::{ExternInfo, wasmpool_extern_info_t, wasmpool_externkind_t};
use wasmtime::AsContextMut;

use crate::core::val::{is_ref, wasmpool_val_t};
use crate::store::data::{WStore, block_on, enter};

/// Call slots kept on the stack; calls with more parameters or results use
/// the heap.
const INLINE_SLOTS: usize = 16;

/// Calls `func`, whose type is `ty`, with arguments checked against it.
pub(crate) fn invoke(
    store: &mut WStore,
    func: wasmtime::Func,
    ty: &ExternInfo,
    name: &str,
    args: &[wasmpool_val_t],
    results: OutSlice<wasmpool_val_t>,
) -> Result<()> {
    if ty.params.len() != args.len() || ty.results.len() != results.len() {
        return Err(Error::invalid(format!(
            "`{name}` takes {} argument(s) and returns {} result(s); the call passed {} and {}",
            ty.params.len(),
            ty.results.len(),
            args.len(),
            results.len()
        )));
    }
    if ty.params.iter().chain(&ty.results).any(|&k| is_ref(k)) {
        return invoke_with_refs(store, func, name, args, results);
    }
    let mut inline = [wasmtime::ValRaw::i32(0); INLINE_SLOTS];
    let mut heap = Vec::new();
    let needed = args.len().max(results.len());
    let slots: &mut [wasmtime::ValRaw] = if needed <= INLINE_SLOTS {
        &mut inline[..needed]
    } else {
        heap.resize(needed, wasmtime::ValRaw::i32(0));
        &mut heap[..]
    };
    for (i, (arg, &want)) in args.iter().zip(&ty.params).enumerate() {
        slots[i] = arg.to_raw(want, &|| format!("argument {i} of `{name}`"))?;
    }
    call_raw(store, func, name, slots)?;
    results.write_all(ty.results.iter().zip(slots.iter()).map(|(&k, raw)| wasmpool_val_t::from_raw(k, raw)));
    Ok(())
}

/// The raw call itself, on this thread or a fiber.
fn call_raw(store: &mut WStore, func: wasmtime::Func, name: &str, slots: &mut [wasmtime::ValRaw]) -> Result<()> {
    // SAFETY: every parameter slot was checked against the function's type
    // (references against their store and exact type, and exposed to Wasm
    // with no collection possible before the call); `slots` has room for all
    // parameters and results; `func` belongs to `store`.
    enter(store, name, |store, on_fiber| {
        if on_fiber {
            call_on_fiber(store, func, slots)
        } else {
            unsafe { func.call_unchecked(store, &raw mut *slots) }
        }
    })
}

/// The same raw call for signatures with references: the exact types come
/// from Wasmtime (a kind names only the hierarchy), and reference results
/// become roots or function handles for the host.
fn invoke_with_refs(
    store: &mut WStore,
    func: wasmtime::Func,
    name: &str,
    args: &[wasmpool_val_t],
    results: OutSlice<wasmpool_val_t>,
) -> Result<()> {
    let fty = func.ty(&*store);
    let mut slots = vec![wasmtime::ValRaw::i32(0); args.len().max(results.len())];
    for (i, (arg, pty)) in args.iter().zip(fty.params()).enumerate() {
        slots[i] = arg.to_raw_typed(&pty, store.as_context_mut(), &|| format!("argument {i} of `{name}`"))?;
    }
    call_raw(store, func, name, &mut slots)?;
    let vals = fty
        .results()
        .zip(slots.iter())
        // SAFETY: Wasm just wrote these slots with these types, and nothing
        // collected since.
        .map(|(rty, raw)| unsafe { wasmpool_val_t::from_raw_typed(*raw, &rty, store.as_context_mut()) })
        .collect::<Result<Vec<_>>>()?;
    results.write_all(vals.into_iter());
    Ok(())
}

/// The async engine's call: the same raw slots in and out, through
/// Wasmtime's `call_async` (which takes values).
fn call_on_fiber(store: &mut WStore, func: wasmtime::Func, slots: &mut [wasmtime::ValRaw]) -> wasmtime::Result<()> {
    let ty = func.ty(&*store);
    // References in and out are rooted in this scope only while they are
    // values; the host's roots are made from the raw results afterwards.
    let mut scope = wasmtime::RootScope::new(&mut *store);
    // SAFETY: the slots hold values of these types, checked by `invoke`.
    let params: Vec<wasmtime::Val> =
        ty.params().zip(slots.iter()).map(|(t, raw)| unsafe { wasmtime::Val::from_raw(&mut scope, *raw, t) }).collect();
    let mut results = vec![wasmtime::Val::I32(0); ty.results().len()];
    block_on(func.call_async(&mut scope, &params, &mut results))?;
    for (slot, v) in slots.iter_mut().zip(&results) {
        *slot = v.to_raw(&mut scope)?;
    }
    Ok(())
}

/// Looks up the exported function `name` of `inst` once and writes a handle
/// for it to `*out`, for hosts that call the same function many times.
///
/// The handle is owned by the instance (valid until its store is deleted);
/// each lookup makes a new handle, so look up once per instance.
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no exported function of
/// that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_func(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut *mut wasmpool_func_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| func_handle(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_func` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_func_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut *mut wasmpool_func_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| func_handle(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn func_handle(inst: &wasmpool_instance_t, name: &str, out: *mut *mut wasmpool_func_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let (func, _) = inst.func(name)?;
    let export = inst.info.export_index(name).expect("func() found it");
    let mut handle = Box::new(wasmpool_func_t { func, store: StoreRef(inst.store), ty: FuncTy::Export(inst.info.clone(), export) });
    let ptr: *mut wasmpool_func_t = &mut *handle;
    inst.handles.borrow_mut().push(handle);
    out.write(ptr);
    Ok(())
}

/// Calls `func` like `wasmpool_instance_call` (same argument rules, errors
/// and store state afterwards), without looking it up by name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_func_call(
    func: *const wasmpool_func_t,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let func = abi::arg_ref(func, "func")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        let results = abi::out_slice(results, nresults, "results")?;
        let ty = func.ty();
        let name = ty.name.to_str().unwrap_or("?");
        // SAFETY: the function's store is alive (caller contract).
        invoke(unsafe { func.store.get() }, func.func, ty, name, args, results)
    })
}

/// Describes `func` (its parameter and result kinds; for a table element,
/// the name `table element <index>`) in `*out`; borrowed until the store is
/// deleted. Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_func_type(
    func: *const wasmpool_func_t,
    out: *mut wasmpool_extern_info_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let func = abi::arg_ref(func, "func")?;
        abi::out(out, "out")?.write(func.ty().to_c());
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
/// `wasmpool_error_trap_code`); INTERRUPTED (epoch deadline); OUT_OF_FUEL;
/// EXCEPTION (a Wasm exception nothing caught: `wasmpool_error_exception_payload`);
/// LIMIT_EXCEEDED (the store's GC heap has no room for an object the guest
/// allocates, such as the exception it throws); POOL_EXHAUSTED (an async engine had no free fiber stack for the
/// store's first call, after `slot_wait_timeout_ms`).
/// The store stays usable after any of these. A host function must not call
/// back into its own store this way (INVALID_ARGUMENT): it calls its
/// caller's exports with `wasmpool_caller_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_call(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let name = abi::arg_str(name, "name")?;
        call_by_name(inst, name, abi::arg_slice(args, nargs, "args")?, abi::out_slice(results, nresults, "results")?)
    })
}

/// `wasmpool_instance_call` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_call_n(
    inst: *mut wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let name = arg_name(name, name_len, "name")?;
        call_by_name(inst, name, abi::arg_slice(args, nargs, "args")?, abi::out_slice(results, nresults, "results")?)
    })
}

fn call_by_name(
    inst: &wasmpool_instance_t,
    name: &str,
    args: &[wasmpool_val_t],
    results: OutSlice<wasmpool_val_t>,
) -> Result<()> {
    let (func, ty) = inst.func(name)?;
    // SAFETY: the instance's store is alive (caller contract).
    invoke(unsafe { inst.store_mut() }, func, ty, name, args, results)
}

/// Describes the exported function `name` of `inst` (its parameter and
/// result kinds) in `*out`; borrowed until the instance's store is deleted.
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no exported function of
/// that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_func_type(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut wasmpool_extern_info_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| func_type(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_func_type` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0). The name in
/// `*out` shows a NUL as the two characters `\0`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_func_type_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut wasmpool_extern_info_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| func_type(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn func_type(inst: &wasmpool_instance_t, name: &str, out: *mut wasmpool_extern_info_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let info = inst
        .info
        .export(name)
        .filter(|e| e.kind == wasmpool_externkind_t::WASMPOOL_EXTERN_FUNC)
        .ok_or_else(|| Error::new(K::WASMPOOL_ERROR_LINK, format!("the instance exports no function `{name}`")))?;
    out.write(info.to_c());
    Ok(())
}
