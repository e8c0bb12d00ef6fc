//! WASI preview 2 for components: the `wasi:*` interfaces in a component
//! linker, and running a command component's `wasi:cli/run`.

use wasmtime_wasi::p2::bindings::Command as AsyncCommand;
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{WasiCtxView, WasiView};

use crate::abi::{self, Error, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::component::instance::wasmpool_component_instance_t;
use crate::component::linker::wasmpool_component_linker_t;
use crate::store::data::{StoreData, block_on_wasi, enter};
use crate::wasi::p1::exit_code;
use crate::wasi::state::WasiState;

impl WasiView for StoreData {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiState::of(&mut self.wasi).ctx.ctx()
    }
}

/// Defines the WASI preview-2 interfaces Wasmtime implements (`wasi:cli`,
/// `wasi:io`, `wasi:clocks`, `wasi:random`, `wasi:filesystem`,
/// `wasi:sockets`, at version 0.2.x) in `linker`. Components importing any
/// 0.2 version of them link: Wasmtime matches semver-compatible versions.
/// Each store needs its own context (`wasmpool_store_wasi_set`); a guest
/// that calls WASI in a store without one sees an empty context and its call
/// fails with INVALID_ARGUMENT saying so.
///
/// Errors: INVALID_ARGUMENT (NULL `linker`); LINK (a WASI name is already
/// defined in `linker`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_linker_define_wasi(
    linker: *mut wasmpool_component_linker_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let linker = abi::arg_mut(linker, "linker")?;
        define(linker).map_err(|e| Error::new(K::WASMPOOL_ERROR_LINK, format!("cannot define WASI preview 2: {e}")))
    })
}

/// Defines WASI preview 2 in `linker`: the async host functions on an async
/// engine (a guest that waits suspends its fiber, and the thread that drives
/// the call can run other futures meanwhile), the synchronous ones otherwise
/// (a wait blocks the thread on Wasmtime WASI's runtime).
pub(crate) fn define(linker: &mut wasmpool_component_linker_t) -> wasmtime::Result<()> {
    if linker.on_fiber {
        wasmtime_wasi::p2::add_to_linker_async(&mut linker.linker)
    } else {
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker.linker)
    }
}

/// Runs the command component `inst`: calls `run` of its exported
/// `wasi:cli/run@0.2.x` interface. A normal return writes 0 to
/// `*exit_code`, a `run` that returns an error writes 1, and
/// `wasi:cli/exit` writes 0 for `ok` and 1 for `err`; none of these is an
/// error of this function. (WASI 0.2's `exit` carries no other code: a C
/// program made a component with the preview-1 adapter that calls `exit(3)`
/// exits with 1, as under `wasmtime run`.)
///
/// Errors: INVALID_ARGUMENT (NULL argument; the guest called WASI but the
/// store has no WASI context); LINK (the component exports no
/// `wasi:cli/run`); TRAP (with a trap code); INTERRUPTED; OUT_OF_FUEL; POOL_EXHAUSTED (an async engine had no free fiber stack for the
/// store's first call, after `slot_wait_timeout_ms`).
/// `*exit_code` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_instance_run(
    inst: *mut wasmpool_component_instance_t,
    exit_code: *mut i32,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let inst = abi::arg_ref(inst, "inst")?;
        let out = abi::out(exit_code, "exit_code")?;
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { inst.store_mut() };
        let not_command = |e: wasmtime::Error| {
            Error::new(K::WASMPOOL_ERROR_LINK, format!("the component instance is not a command (no wasi:cli/run export): {e}"))
        };
        let command = Command::new(&mut *store, &inst.instance).map_err(not_command)?;
        // Async engines run it on a fiber stack, through the async bindings.
        let on_fiber = match store.data().stacks {
            Some(_) => Some(AsyncCommand::new(&mut *store, &inst.instance).map_err(not_command)?),
            None => None,
        };
        let code = enter(store, "wasi:cli/run#run", |s, _| {
            let ran = match &on_fiber {
                Some(command) => block_on_wasi(command.wasi_cli_run().call_run(s)),
                None => command.wasi_cli_run().call_run(s),
            };
            match ran {
                Ok(Ok(())) => Ok(0),
                Ok(Err(())) => Ok(1),
                Err(e) => self::exit_code(Err(e)),
            }
        })?;
        out.write(code);
        Ok(())
    })
}
