//! WASI preview 1 for core modules: the `wasi_snapshot_preview1` imports in
//! a module linker, and running a command's `_start`.

use crate::abi::{self, Error, wasmpool_error_t};
use crate::core::instance::wasmpool_instance_t;
use crate::core::linker::wasmpool_linker_t;
use crate::store::data::{StoreData, block_on, enter};
use crate::wasi::state::WasiState;
use crate::abi::wasmpool_error_kind_t as K;

/// Defines every `wasi_snapshot_preview1` function in `linker`, so modules
/// compiled for wasm32-wasip1 can be pre-linked and instantiated. Each store
/// the instances run in needs its own context (`wasmpool_store_wasi_set`);
/// a guest that calls WASI in a store without one sees an empty context and
/// its call fails with INVALID_ARGUMENT saying so.
///
/// Errors: INVALID_ARGUMENT (NULL `linker`); LINK (a WASI name is already
/// defined in `linker`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_linker_define_wasi(linker: *mut wasmpool_linker_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker.linker, |d: &mut StoreData| &mut WasiState::of(&mut d.wasi).ctx)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define WASI preview 1: {e}")))
    })
}

/// The exit code in `result` if the guest exited through WASI (`proc_exit`,
/// `wasi:cli/exit`), else the error.
pub(crate) fn exit_code(result: wasmtime::Result<()>) -> wasmtime::Result<i32> {
    match result {
        Ok(()) => Ok(0),
        Err(e) => match e.downcast_ref::<wasmtime_wasi::I32Exit>() {
            Some(exit) => Ok(exit.0),
            None => Err(e),
        },
    }
}

/// Runs the command `inst`: calls its `_start` export (no parameters, no
/// results). A normal return writes 0 to `*exit_code`; `proc_exit(n)` (C's
/// `exit(n)`, returning n from `main`) writes n and is not an error.
///
/// Errors: INVALID_ARGUMENT (NULL argument; the guest called WASI but the
/// store has no WASI context); LINK (no `_start` function, or one with
/// parameters or results); TRAP (with a trap code); INTERRUPTED;
/// OUT_OF_FUEL; POOL_EXHAUSTED (an async engine had no free fiber stack for the
/// store's first call, after `slot_wait_timeout_ms`). `*exit_code` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_run(inst: *mut wasmpool_instance_t, exit_code: *mut i32) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let out = abi::out(exit_code, "exit_code")?;
        let (func, ty) = inst.func_once("_start")?;
        if !ty.params.is_empty() || !ty.results.is_empty() {
            return Err(Error::new(K::WASMPOOL_ERROR_LINK, "`_start` of the instance takes parameters or returns results"));
        }
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        let code = enter(store, "_start", |s, on_fiber| {
            let mut no_slots: [wasmtime::ValRaw; 0] = [];
            // SAFETY: `_start` takes and returns nothing (checked above, from
            // the module's types) and belongs to this store; so the typed
            // check `Func::call` repeats on every call is not needed.
            let ran = if on_fiber {
                block_on(func.call_async(s, &[], &mut []))
            } else {
                unsafe { func.call_unchecked(s, &raw mut no_slots) }
            };
            self::exit_code(ran)
        })?;
        out.write(code);
        Ok(())
    })
}
