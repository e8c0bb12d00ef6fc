//! Calling exported functions of component instances with component values:
//! by name (`wasmpool_component_instance_call`) or through a looked-up
//! `wasmpool_component_func_t`; both share [`invoke`].

use std::ffi::c_char;
use std::ptr::NonNull;

use wasmtime::component::{Type, Val};
use wasmtime::component::types::ComponentFunc;

use crate::abi::{self, Error, OutSlice, Result, wasmpool_error_kind_t, wasmpool_error_t, wasmpool_trap_code_t};
use crate::component::instance::{wasmpool_component_func_t, wasmpool_component_instance_t};
use crate::component::resource::Adopter;
use crate::component::val::{self, wasmpool_component_val_t};
use wasmtime::AsContextMut;
use crate::store::data::{block_on_wasi, enter};

/// Wasmtime reports some faults of a component call as untyped errors (kind
/// OTHER here): a value the guest hands over that its type forbids (a
/// surrogate `char`, invalid UTF-8, a string or list outside its memory), a
/// `realloc` that returns a bad pointer. The canonical ABI says each of these
/// traps, so the call is TRAP with code OTHER and Wasmtime's reason, as the
/// call's documentation promises.
fn canonical_abi_trap(e: Error) -> Error {
    if e.kind == wasmpool_error_kind_t::WASMPOOL_ERROR_OTHER {
        let trap = Some(wasmpool_trap_code_t::WASMPOOL_TRAP_OTHER);
        Error { kind: wasmpool_error_kind_t::WASMPOOL_ERROR_TRAP, trap, ..e }
    } else {
        e
    }
}

/// Wasmtime 48 marks a whole store as trapped when any guest code in it
/// traps (deadlines and fuel included), and from then on refuses to enter any
/// component instance of that store, new ones too, with a bare "cannot enter
/// component instance". Says why, and what to do.
fn explain_poisoned_store(e: wasmtime::Error) -> wasmtime::Error {
    if e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::CannotEnterComponent) {
        e.context(
            "guest code in this store trapped earlier, and Wasmtime does not run component instances of a \
             store after a trap: make a new store",
        )
    } else {
        e
    }
}

/// Runs `f` on `n` placeholder values: on the stack for the common counts
/// (up to 3), so that a call allocates no `Val` arrays and drops no more
/// placeholders than it uses.
fn with_vals<R>(n: usize, f: impl FnOnce(&mut [Val]) -> R) -> R {
    let v = || Val::Bool(false);
    match n {
        0 => f(&mut []),
        1 => f(&mut [v()]),
        2 => f(&mut [v(), v()]),
        3 => f(&mut [v(), v(), v()]),
        _ => f(&mut vec![v(); n]),
    }
}

/// What a call is checked against, made once per function: when the
/// component is compiled for functions without resources (their types do not
/// depend on the instance), when the function is looked up otherwise.
pub(crate) struct CallSig {
    params: Box<[Type]>,
    nresults: usize,
    /// Why the function cannot be called at all: a result of a type wasmpool
    /// cannot pass (`map`, `future`, ...), with its message.
    refused: Option<String>,
}

impl CallSig {
    pub(crate) fn of(ty: &ComponentFunc, name: &str) -> Self {
        let refused = ty
            .results()
            .enumerate()
            .find_map(|(i, rty)| val::check_type(&rty, &format!("result {i} of `{name}`")).err())
            .map(|e| e.message);
        CallSig { params: ty.params().map(|(_, t)| t).collect(), nresults: ty.results().len(), refused }
    }
}

/// Calls `func` of type `ty` with arguments checked against it, and writes
/// the results (owned by the caller afterwards).
fn invoke(
    inst: &wasmpool_component_instance_t,
    func: wasmtime::component::Func,
    sig: &CallSig,
    name: &str,
    args: &[wasmpool_component_val_t],
    results: OutSlice<wasmpool_component_val_t>,
) -> Result<()> {
    if sig.params.len() != args.len() || sig.nresults != results.len() {
        return Err(Error::invalid(format!(
            "`{name}` takes {} argument(s) and returns {} result(s); the call passed {} and {}",
            sig.params.len(),
            sig.nresults,
            args.len(),
            results.len()
        )));
    }
    if let Some(refused) = &sig.refused {
        return Err(Error::invalid(refused.clone()));
    }
    with_vals(args.len(), |params| {
        let spare = &inst.spare;
        for (i, ((arg, pty), slot)) in args.iter().zip(&sig.params).zip(params.iter_mut()).enumerate() {
            // Converting may spend resource handles, so it runs once; the
            // message path is formatted only on failure.
            *slot = val::to_wasmtime_reusing(arg, pty, spare, || format!("argument {i}"))?;
        }
        let called = call_with(inst, func, name, params, results);
        keep_spare(spare, params);
        called
    })
}

/// A string buffer up to this size is kept by the instance for the next
/// call's string argument; a larger one is freed, so an instance holds at
/// most this much between calls.
const SPARE_MAX: usize = 4096;

/// Keeps a string argument's buffer for the next call.
fn keep_spare(spare: &std::cell::Cell<String>, params: &mut [Val]) {
    for p in params {
        if let Val::String(s) = p
            && s.capacity() <= SPARE_MAX
        {
            spare.set(std::mem::take(s));
            return;
        }
    }
}

/// The call itself, with arguments converted, and its results written.
fn call_with(
    inst: &wasmpool_component_instance_t,
    func: wasmtime::component::Func,
    name: &str,
    params: &[Val],
    results: OutSlice<wasmpool_component_val_t>,
) -> Result<()> {
    with_vals(results.len(), |outs| {
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        enter(store, name, |store, on_fiber| {
            if on_fiber { block_on_wasi(func.call_async(store, params, outs)) } else { func.call(store, params, outs) }
                .map_err(explain_poisoned_store)
        })
        .map_err(canonical_abi_trap)?;
        let mut cx = store.as_context_mut();
        let mut adopter = Adopter::new(&mut cx);
        let taken = outs.iter_mut().map(|v| std::mem::replace(v, Val::Bool(false)));
        results.write_all(taken.map(|v| val::from_wasmtime(v, &mut |r| adopter.adopt(r))));
        Ok(())
    })
}

/// Calls the exported function `name` of `inst`: `"greet"` for a function
/// exported at the root, `"example:kv/store@0.1.0#get"` for a function of an
/// exported interface.
///
/// `args` (`nargs` values, NULL when 0) are read only and stay the caller's.
/// `results` must have room for exactly as many values as the function
/// returns; on success each is written and owned by the caller, who frees
/// each with `wasmpool_component_val_delete` (one call per result frees its
/// whole tree). On failure nothing is written. Calls on one store must not
/// overlap.
///
/// Errors: INVALID_ARGUMENT (NULL where required, wrong counts, an argument
/// that does not match its type: the message says which argument and where
/// in it); LINK (no such exported function); TRAP (with a trap code);
/// INTERRUPTED (epoch deadline); OUT_OF_FUEL; POOL_EXHAUSTED (an async engine had no free fiber stack for the
/// store's first call, after `slot_wait_timeout_ms`). A trap (deadlines and fuel
/// included) poisons the store for components: no component instance in it,
/// not even one made afterwards, can be called again (TRAP); use a new store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_instance_call(
    inst: *mut wasmpool_component_instance_t,
    name: *const c_char,
    args: *const wasmpool_component_val_t,
    nargs: usize,
    results: *mut wasmpool_component_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let name = abi::arg_str(name, "name")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        let results = abi::out_slice(results, nresults, "results")?;
        let (func, sig) = inst.func(name)?;
        invoke(inst, func, &sig, name, args, results)
    })
}

/// Looks up the exported function `name` of `inst` (as
/// `wasmpool_component_instance_call` names it) once and writes a handle for
/// it to `*out`, for repeated calls. The handle is owned by the instance's
/// store (valid until it is deleted). Errors: INVALID_ARGUMENT (NULL
/// argument); LINK (no exported function of that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_instance_func(
    inst: *const wasmpool_component_instance_t,
    name: *const c_char,
    out: *mut *mut wasmpool_component_func_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let name = abi::arg_str(name, "name")?;
        let out = abi::out(out, "out")?;
        let (func, sig) = inst.func(name)?;
        let mut handle = Box::new(wasmpool_component_func_t { func, sig, name: name.to_string(), instance: NonNull::from(inst) });
        let ptr: *mut wasmpool_component_func_t = &mut *handle;
        inst.handles.borrow_mut().push(handle);
        out.write(ptr);
        Ok(())
    })
}

/// Calls `func` like `wasmpool_component_instance_call` (same rules for
/// arguments, results, errors and ownership), without a lookup by name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_func_call(
    func: *const wasmpool_component_func_t,
    args: *const wasmpool_component_val_t,
    nargs: usize,
    results: *mut wasmpool_component_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let func = abi::arg_ref(func, "func")?;
        let args = abi::arg_slice(args, nargs, "args")?;
        let results = abi::out_slice(results, nresults, "results")?;
        // SAFETY: the instance handle lives as long as the store that owns
        // both it and this function handle.
        let inst = unsafe { func.instance.as_ref() };
        invoke(inst, func.func, &func.sig, &func.name, args, results)
    })
}
