//! `wasmpool_bytes_t`: an owned byte buffer handed to C.

use crate::abi::{self, Boxed, Handle};

/// An owned byte buffer (a serialised module or component).
///
/// Read with `wasmpool_bytes_data` / `wasmpool_bytes_len`; release with
/// `wasmpool_bytes_delete`. Plain data: usable from any thread.
pub struct wasmpool_bytes_t {
    bytes: Vec<u8>,
}

impl Handle for wasmpool_bytes_t {
    type Ownership = Boxed;
}

impl wasmpool_bytes_t {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        wasmpool_bytes_t { bytes }
    }
}

/// The first byte of `bytes` (NULL if `bytes` is NULL or empty); valid until
/// `wasmpool_bytes_delete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_bytes_data(bytes: *const wasmpool_bytes_t) -> *const u8 {
    abi::guard_value(std::ptr::null(), || {
        abi::opt_ref(bytes).filter(|b| !b.bytes.is_empty()).map_or(std::ptr::null(), |b| b.bytes.as_ptr())
    })
}

/// The length of `bytes` in bytes (0 if `bytes` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_bytes_len(bytes: *const wasmpool_bytes_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(bytes).map_or(0, |b| b.bytes.len()))
}

/// Releases `bytes`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_bytes_delete(bytes: *mut wasmpool_bytes_t) {
    unsafe { abi::delete(bytes) }
}

