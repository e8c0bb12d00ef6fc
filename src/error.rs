//! The exports that make and read `wasmpool_error_t` values (the type
//! itself is part of the boundary, in `abi/error.rs`).

use std::ffi::c_char;

use crate::abi::{self, CEnum, Error, raw, wasmpool_error_kind_t, wasmpool_error_t, wasmpool_trap_code_t};
use wasmpool_error_kind_t as K;

/// A new error of kind `WASMPOOL_ERROR_TRAP` with code `WASMPOOL_TRAP_HOST`
/// and a copy of `message`, for a host function to return: the guest traps
/// and the caller of `wasmpool_instance_call` gets this message back.
///
/// The caller owns the result (a host callback hands it to wasmpool by
/// returning it). `message` is a NUL-terminated UTF-8 string; NULL or invalid
/// UTF-8 gives an error of kind INVALID_ARGUMENT instead, which still traps.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_trap_new(message: *const c_char) -> *mut wasmpool_error_t {
    unsafe { wasmpool_trap_new_with_code(wasmpool_trap_code_t::WASMPOOL_TRAP_HOST as u32, message) }
}

/// Like `wasmpool_trap_new`, with a chosen trap code (for example
/// `WASMPOOL_TRAP_UNREACHABLE`). The error kind follows the code: TRAP, or
/// INTERRUPTED / OUT_OF_FUEL for those codes. An unknown code is an
/// INVALID_ARGUMENT error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_trap_new_with_code(
    code: raw::wasmpool_trap_code_t,
    message: *const c_char,
) -> *mut wasmpool_error_t {
    let made = abi::guard(|| {
        let code = wasmpool_trap_code_t::from_c(code)?;
        let message = abi::arg_str(message, "message")?;
        Err(Error::trap(code, message))
    });
    debug_assert!(!made.is_null());
    made
}

/// The kind of `err`.
///
/// `err` is borrowed. A NULL `err` returns `WASMPOOL_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_kind(err: *const wasmpool_error_t) -> wasmpool_error_kind_t {
    abi::guard_value(K::WASMPOOL_ERROR_INVALID_ARGUMENT, || match abi::opt_ref(err) {
        Some(e) => e.kind,
        None => K::WASMPOOL_ERROR_INVALID_ARGUMENT,
    })
}

/// The message of `err`, a NUL-terminated UTF-8 string.
///
/// The string is borrowed from `err` and stays valid until
/// `wasmpool_error_delete(err)`; never free it. A NULL `err` returns a static
/// string saying so (never NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_message(err: *const wasmpool_error_t) -> *const c_char {
    const NULL_MSG: &std::ffi::CStr = c"wasmpool_error_message: err is NULL";
    abi::guard_value(NULL_MSG.as_ptr(), || match abi::opt_ref(err) {
        Some(e) => e.message.as_ptr(),
        None => NULL_MSG.as_ptr(),
    })
}

/// If `err` is a trap (kinds `TRAP`, `INTERRUPTED`, `OUT_OF_FUEL`), writes its
/// code to `*out` and returns true. Otherwise returns false and leaves `*out`
/// untouched, as it does when `err` or `out` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_trap_code(
    err: *const wasmpool_error_t,
    out: *mut wasmpool_trap_code_t,
) -> bool {
    abi::guard_value(false, || {
        let (Some(e), Some(out)) = (abi::opt_ref(err), abi::opt_out(out)) else {
            return false;
        };
        match e.trap {
            Some(code) => {
                out.write(code);
                true
            }
            None => false,
        }
    })
}

/// Releases `err`. NULL is accepted and ignored. Using `err`, or a message
/// obtained from it, after this call is undefined behaviour.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_error_delete(err: *mut wasmpool_error_t) {
    unsafe { abi::delete(err) }
}
