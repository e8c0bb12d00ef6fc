//! `wasmpool_caller_t`: what a host function sees of the instance that
//! called it: its store's data, its exported memories and globals, and its
//! exported functions, which the host function may call (re-entering the
//! store through the caller, e.g. the guest's `malloc` to return
//! variable-size data).

use std::ffi::{c_char, c_void};
use std::ptr::NonNull;

use crate::abi::{self, Error, Handle, OutSlice, Result, StoreOwned, wasmpool_error_t};
use crate::core::externs::{export_missing, memory_view};
use crate::core::names::arg_name;
use crate::core::val::wasmpool_val_t;
use crate::store::data::StoreData;
use wasmtime::AsContextMut;

/// The instance calling a host function. Valid only during the callback
/// that received it; never keep it.
///
/// Thread safety: only on the thread running the callback.
pub struct wasmpool_caller_t {
    pub(crate) caller: NonNull<wasmtime::Caller<'static, StoreData>>,
}

impl Handle for wasmpool_caller_t {
    type Ownership = StoreOwned;
}

pub(crate) type WCaller = wasmtime::Caller<'static, StoreData>;

pub(crate) fn caller_mut<'a>(caller: *mut wasmpool_caller_t) -> Result<&'a mut WCaller> {
    let caller = abi::arg_mut(caller, "caller")?;
    // SAFETY: the handle lives only during the callback that owns the caller.
    Ok(unsafe { caller.caller.as_mut() })
}

fn memory(caller: &mut WCaller, name: &str, data: *mut *mut u8, size: *mut usize) -> Result<()> {
    let memory = caller.get_export(name).and_then(|e| e.into_memory());
    memory_view(memory, &*caller, "the caller", name, data, size)
}

fn global_get(caller: &mut WCaller, name: &str, out: *mut wasmpool_val_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let global = caller
        .get_export(name)
        .and_then(|e| e.into_global())
        .ok_or_else(|| export_missing("the caller", "global", name))?;
    let mut scope = wasmtime::RootScope::new(&mut *caller);
    let value = global.get(&mut scope);
    out.write(wasmpool_val_t::from_wasmtime(&value, scope.as_context_mut())?);
    Ok(())
}

/// Calls the caller's exported function `name` through the caller's own
/// store context: the one way back into a store whose guest is running.
fn call(caller: &mut WCaller, name: &str, args: &[wasmpool_val_t], results: OutSlice<wasmpool_val_t>) -> Result<()> {
    let func = caller
        .get_export(name)
        .and_then(|e| e.into_func())
        .ok_or_else(|| export_missing("the caller", "function", name))?;
    let ty = func.ty(&*caller);
    if ty.params().len() != args.len() || ty.results().len() != results.len() {
        return Err(Error::invalid(format!(
            "`{name}` takes {} argument(s) and returns {} result(s); the call passed {} and {}",
            ty.params().len(),
            ty.results().len(),
            args.len(),
            results.len()
        )));
    }
    // Reference arguments and results are rooted in this scope while they
    // are Wasmtime values; results become the host's roots.
    let mut scope = wasmtime::RootScope::new(&mut *caller);
    let params = args
        .iter()
        .zip(ty.params())
        .enumerate()
        .map(|(i, (arg, t))| arg.to_wasmtime(&t, scope.as_context_mut(), &|| format!("argument {i} of `{name}`")))
        .collect::<Result<Vec<_>>>()?;
    let mut outs = vec![wasmtime::Val::I32(0); results.len()];
    // An uncaught exception stays pending: the host function rethrows it by
    // returning the error.
    func.call(&mut scope, &params, &mut outs).map_err(|e| crate::diag::exception::classify(&mut scope, e, true))?;
    let vals = outs.iter().map(|v| wasmpool_val_t::from_wasmtime(v, scope.as_context_mut())).collect::<Result<Vec<_>>>()?;
    results.write_all(vals.into_iter());
    Ok(())
}

/// The `data` pointer of the store the caller runs in (see
/// `wasmpool_store_new_with_data`); NULL for a store without data, or when
/// `caller` is NULL. Borrowed: the host keeps owning what it points to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_store_data(caller: *const wasmpool_caller_t) -> *mut c_void {
    abi::guard_value(std::ptr::null_mut(), || {
        abi::opt_ref(caller).map_or(std::ptr::null_mut(), |c| {
            // SAFETY: the handle lives only during the callback that owns the caller.
            unsafe { c.caller.as_ref() }.data().user_data.0
        })
    })
}

/// The calling instance's exported memory `name`: writes its base address to
/// `*data` and its current size in bytes to `*size`.
///
/// The pointer is valid until the callback returns or calls back into the
/// guest (a guest's `memory.grow` may move it). Errors: INVALID_ARGUMENT
/// (NULL argument); LINK (no exported memory of that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_memory(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| memory(caller_mut(caller)?, abi::arg_str(name, "name")?, data, size))
}

/// `wasmpool_caller_memory` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_memory_n(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    name_len: usize,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| memory(caller_mut(caller)?, arg_name(name, name_len, "name")?, data, size))
}

/// Reads the calling instance's exported global `name` into `*out` (kind
/// and value; a reference is a new root, see `wasmpool_caller_ref_release`).
/// Errors: INVALID_ARGUMENT (NULL argument, a non-null exnref); LINK (no exported global of that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_global_get(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_get(caller_mut(caller)?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_caller_global_get` with the name given as `name_len` bytes at
/// `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_global_get_n(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    name_len: usize,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| global_get(caller_mut(caller)?, arg_name(name, name_len, "name")?, out))
}

/// Calls the calling instance's exported function `name` from inside a host
/// function: the way to re-enter a running store (for example to call the
/// guest's `malloc` or `cabi_realloc` and return variable-size data through
/// its memory). Handles of the same store (`wasmpool_instance_call`,
/// `wasmpool_func_call`) refuse to re-enter it; the caller does not.
///
/// Arguments and results as `wasmpool_instance_call` (counts equal to the
/// arity, kinds equal to the types; `results` written only on success). The
/// nested call shares the outer call's stack budget (`max_wasm_stack`),
/// fuel and deadline: a host function that keeps recursing through the guest
/// ends with a TRAP (`WASMPOOL_TRAP_STACK_OVERFLOW`), never a crash. Memory
/// pointers taken before the call may move (the guest may grow its memory):
/// take them again afterwards. The error may be returned from the host
/// function as is, to trap its caller.
///
/// An exception the guest throws and does not catch comes back as an
/// EXCEPTION error (payload and tag readable as at the top level). Returned
/// from the host function as is (from the same callback invocation), it
/// rethrows that exception into the calling guest, where a `try_table` may
/// catch it; any other error the host function returns instead traps as
/// usual, and the exception is dropped.
///
/// Errors: INVALID_ARGUMENT (NULL where required, wrong counts or kinds;
/// and in engines with `async_support`, where the guest runs on a fiber that
/// cannot block in a nested call); LINK (no exported function of that name);
/// TRAP, INTERRUPTED, OUT_OF_FUEL, EXCEPTION as for any call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_call(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let caller = caller_mut(caller)?;
        let name = abi::arg_str(name, "name")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        let results = abi::out_slice(results, nresults, "results")?;
        call_checked(caller, name, args, results)
    })
}

/// `wasmpool_caller_call` with the name given as `name_len` bytes at `name`
/// (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_call_n(
    caller: *mut wasmpool_caller_t,
    name: *const c_char,
    name_len: usize,
    args: *const wasmpool_val_t,
    nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let caller = caller_mut(caller)?;
        let name = arg_name(name, name_len, "name")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        let results = abi::out_slice(results, nresults, "results")?;
        call_checked(caller, name, args, results)
    })
}

/// Refuses nested calls in async engines up front (Wasmtime would refuse a
/// blocking call on the guest's fiber with a less helpful message).
fn call_checked(caller: &mut WCaller, name: &str, args: &[wasmpool_val_t], results: OutSlice<wasmpool_val_t>) -> Result<()> {
    if caller.data().stacks.is_some() {
        return Err(Error::invalid(format!(
            "cannot call `{name}` from a host function in an engine with async_support: the guest runs on a \
             fiber stack, where a nested call cannot block"
        )));
    }
    call(caller, name, args, results)
}
