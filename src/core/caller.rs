//! `wasmpool_caller_t`: what a host function sees of the instance that
//! called it.

use std::ffi::c_char;
use std::ptr::NonNull;

use crate::abi::{self, Handle, StoreOwned, wasmpool_error_t};
use crate::core::externs::memory_view;
use crate::store::data::StoreData;

/// The instance calling a host function; lets the callback reach the
/// caller's exported memory. Valid only during the callback; never store it.
pub struct wasmpool_caller_t {
    pub(crate) caller: NonNull<wasmtime::Caller<'static, StoreData>>,
}

impl Handle for wasmpool_caller_t {
    type Ownership = StoreOwned;
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
    abi::guard(|| {
        let caller = abi::arg_mut(caller, "caller")?;
        let name = abi::arg_str(name, "name")?;
        // SAFETY: the handle lives only during the callback that owns the caller.
        let caller = unsafe { caller.caller.as_mut() };
        let memory = caller.get_export(name).and_then(|e| e.into_memory());
        memory_view(memory, &*caller, "the caller", name, data, size)
    })
}
