//! A store's WASI context: set from a configuration, captured output read
//! back.

use crate::abi::{self, Error, Result, wasmpool_error_t};
use crate::store::wasmpool_store_t;
use crate::wasi::capture::CapturePipe;
use crate::wasi::config::wasmpool_wasi_config_t;
use crate::wasi::state::WasiState;

/// Gives `store` its own WASI context made from `cfg` (copied: `cfg` may be
/// changed or deleted afterwards, and one config may serve many stores at
/// once). Preopened directories are opened now; capture buffers start
/// empty. Call it before instantiating WASI guests in the store; calling it
/// again replaces the context and its buffers (files and streams the store's
/// instances had open through the old one are closed for them).
///
/// Errors: INVALID_ARGUMENT (NULL argument, called from a host function
/// while the store runs a guest); IO (a preopened directory cannot be
/// opened; the message names its host path). On error the store keeps its
/// previous context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_wasi_set(
    store: *mut wasmpool_store_t,
    cfg: *const wasmpool_wasi_config_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let cfg = abi::arg_ref(cfg, "cfg")?;
        if store.store.data().in_call {
            return Err(Error::invalid("wasmpool_store_wasi_set was called while the store runs a guest"));
        }
        let state = WasiState::new(cfg)?;
        store.store.data_mut().wasi = Some(Box::new(state));
        Ok(())
    })
}

fn capture<'s>(
    store: *const wasmpool_store_t,
    pick: fn(&WasiState) -> Option<&CapturePipe>,
    what: &str,
) -> Result<&'s CapturePipe> {
    let store: &'s wasmpool_store_t = abi::arg_ref(store, "store")?;
    let state = store.store.data().wasi.as_deref().filter(|w| !w.placeholder);
    let state = state.ok_or_else(|| Error::invalid("the store has no WASI configuration (wasmpool_store_wasi_set)"))?;
    pick(state).ok_or_else(|| {
        Error::invalid(format!("the store's WASI configuration does not capture {what} (wasmpool_wasi_config_{what}_capture)"))
    })
}

fn read(pipe: &CapturePipe, data: *mut *const u8, len: *mut usize) -> Result<()> {
    let data = abi::out(data, "data")?;
    let len = abi::out(len, "len")?;
    let captured = pipe.lock();
    // The bytes stay where they are until the guest writes again, which only
    // a call into the store can make it do (documented lifetime).
    data.write(captured.bytes.as_ptr());
    len.write(captured.bytes.len());
    Ok(())
}

fn dropped(pipe: &CapturePipe, out: *mut u64) -> Result<()> {
    abi::out(out, "out")?.write(pipe.lock().dropped);
    Ok(())
}

/// Writes the bytes the guests of `store` have written to stdout so far (at
/// most the capture's `max_bytes`) to `*data` and `*len`.
///
/// The bytes are borrowed from the store: valid until the next call into
/// the store (any function that runs a guest or changes the store, such as
/// a call, an instantiation or `wasmpool_store_wasi_set`) or
/// `wasmpool_store_delete`, whichever comes first. `*data` may be any
/// non-NULL pointer when `*len` is 0. Output of one store never appears in
/// another's.
///
/// Errors: INVALID_ARGUMENT (NULL argument, no WASI configuration in the
/// store, or stdout not captured).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_wasi_stdout(
    store: *const wasmpool_store_t,
    data: *mut *const u8,
    len: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| read(capture(store, |w| w.stdout.as_ref(), "stdout")?, data, len))
}

/// As `wasmpool_store_wasi_stdout`, for stderr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_wasi_stderr(
    store: *const wasmpool_store_t,
    data: *mut *const u8,
    len: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| read(capture(store, |w| w.stderr.as_ref(), "stderr")?, data, len))
}

/// Writes to `*out` how many bytes the guests of `store` wrote to stdout
/// beyond the capture's `max_bytes` (dropped, not stored). Errors: as
/// `wasmpool_store_wasi_stdout`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_wasi_stdout_dropped(
    store: *const wasmpool_store_t,
    out: *mut u64,
) -> *mut wasmpool_error_t {
    abi::guard(|| dropped(capture(store, |w| w.stdout.as_ref(), "stdout")?, out))
}

/// As `wasmpool_store_wasi_stdout_dropped`, for stderr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_wasi_stderr_dropped(
    store: *const wasmpool_store_t,
    out: *mut u64,
) -> *mut wasmpool_error_t {
    abi::guard(|| dropped(capture(store, |w| w.stderr.as_ref(), "stderr")?, out))
}
