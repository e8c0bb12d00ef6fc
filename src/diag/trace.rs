//! `wasmpool_error_trace_count` / `wasmpool_error_trace_frame`: the guest
//! backtrace of an error (the frames are captured in `abi/trace.rs`).

use crate::abi::{self, wasmpool_error_t, wasmpool_trace_frame_t};

/// Number of frames in the WebAssembly backtrace of `err`: the guest frames
/// a trap (or a host function's error, or a deadline or fuel interruption)
/// unwound, innermost first. 0 for errors not raised while guest code ran,
/// when the engine's `wasm_backtrace` knob is off, or when `err` is NULL.
/// Core modules and components alike: a component's frames are those of its
/// core modules. At most `wasm_backtrace_max_frames` frames are kept.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_trace_count(err: *const wasmpool_error_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(err).map_or(0, |e| e.trace.len()))
}

/// Describes frame `index` of the backtrace of `err` in `*out` (frame 0 is
/// the innermost: where the guest trapped, or called the failing host
/// function). The names and file in `*out` are borrowed from `err` and stay
/// valid until `wasmpool_error_delete(err)`.
///
/// Errors: INVALID_ARGUMENT (NULL `err` or `out`; `index` not below
/// `wasmpool_error_trace_count(err)`, named in the message). `*out` is
/// written only on success. Reading an error is thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_trace_frame(
    err: *const wasmpool_error_t,
    index: usize,
    out: *mut wasmpool_trace_frame_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| abi::write_nth(&abi::arg_ref(err, "err")?.trace, index, "trace frame", out, |f| f.to_c()))
}
