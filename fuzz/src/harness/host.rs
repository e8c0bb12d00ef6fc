//! Host functions defined in linkers: they touch the caller's memory, fill
//! their results and may trap. Every one defined must be finalized exactly once
//! ([`DEFINED`] and [`FINALIZED`] count them).

use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};

use super::*;

pub(super) static DEFINED: AtomicU64 = AtomicU64::new(0);
pub(super) static FINALIZED: AtomicU64 = AtomicU64::new(0);

/// What a host function does, kept in its `env`.
struct HostEnv {
    trap: bool,
}

unsafe extern "C" fn host_callback(
    env: *mut c_void,
    caller: *mut wasmpool_caller_t,
    _args: *const wasmpool_val_t,
    _nargs: usize,
    results: *mut wasmpool_val_t,
    nresults: usize,
) -> *mut wasmpool_error_t {
    // SAFETY: `env` is the HostEnv given to define_func, alive until the finalizer.
    let env = unsafe { &*(env as *const HostEnv) };
    let mut data = null_mut();
    let mut size = 0usize;
    let name = c"memory";
    let err = unsafe { wasmpool_caller_memory(caller, name.as_ptr(), &mut data, &mut size) };
    if check(err, "caller_memory", LOOKUP).is_none() && size > 0 {
        // SAFETY: the caller's memory, `size` bytes, valid during the callback.
        unsafe { rewrite_ends(data, size) };
    }
    for i in 0..nresults {
        // SAFETY: room for `nresults` values, kinds preset by wasmpool.
        unsafe {
            let r = &mut *results.add(i);
            let kind = r.kind;
            r.of.v128 = [0; 16];
            assert_eq!(r.kind, kind);
        }
    }
    if env.trap { unsafe { wasmpool_trap_new(c"host trap from the fuzzer".as_ptr()) } } else { null_mut() }
}

unsafe extern "C" fn host_finalizer(env: *mut c_void) {
    // SAFETY: the Box leaked by define().
    drop(unsafe { Box::from_raw(env as *mut HostEnv) });
    FINALIZED.fetch_add(1, Ordering::SeqCst);
}

/// Defines `module`.`name` in `linker` as a host function (trapping or not);
/// whether the linker took it.
pub(super) fn define(
    linker: *mut wasmpool_linker_t,
    module: &CStr,
    name: &CStr,
    params: &[u32],
    results: &[u32],
    trap: bool,
) -> bool {
    let env = Box::into_raw(Box::new(HostEnv { trap }));
    let err = unsafe {
        wasmpool_linker_define_func(
            linker,
            module.as_ptr(),
            name.as_ptr(),
            if params.is_empty() { null() } else { params.as_ptr() },
            params.len(),
            if results.is_empty() { null() } else { results.as_ptr() },
            results.len(),
            Some(host_callback),
            env.cast(),
            Some(host_finalizer),
        )
    };
    if check(err, "linker_define_func", LOOKUP).is_some() {
        // Refused: env stays ours and the finalizer must not run.
        // SAFETY: from Box::into_raw above, not handed over.
        drop(unsafe { Box::from_raw(env) });
        false
    } else {
        DEFINED.fetch_add(1, Ordering::SeqCst);
        true
    }
}
