//! How the C trees wasmpool produces are allocated, and freed: the two must
//! agree, so both live here. Arrays are boxed slices of exactly their
//! length (NULL when empty), strings boxed byte slices (NULL when empty),
//! payloads boxed single values.

use std::ffi::c_char;
use std::ptr;

use super::val::{
    wasmpool_component_string_t, wasmpool_component_val_t, wasmpool_component_valkind_t as K, zeroed_union,
};

/// Hands `items` to C as `(data, len)`; NULL for an empty vector.
pub(crate) fn alloc_slice<T>(items: Vec<T>) -> (*mut T, usize) {
    if items.is_empty() {
        return (ptr::null_mut(), 0);
    }
    let len = items.len();
    (Box::into_raw(items.into_boxed_slice()).cast::<T>(), len)
}

/// Takes back an array made by [`alloc_slice`].
///
/// # Safety
/// `(data, len)` came from `alloc_slice` and was not freed yet.
unsafe fn take_slice<T>(data: *mut T, len: usize) -> Box<[T]> {
    if data.is_null() {
        return Box::default();
    }
    // SAFETY: per the contract, a boxed slice of exactly `len` elements.
    unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, len)) }
}

/// A string owned by C.
pub(crate) fn alloc_string(s: &str) -> wasmpool_component_string_t {
    let (data, len) = alloc_slice(s.as_bytes().to_vec());
    wasmpool_component_string_t { data: data.cast::<c_char>(), len }
}

/// Frees a string made by [`alloc_string`].
///
/// # Safety
/// As [`take_slice`].
unsafe fn free_string(s: &wasmpool_component_string_t) {
    // SAFETY: per the contract.
    drop(unsafe { take_slice(s.data.cast::<u8>(), s.len) });
}

/// A payload owned by C (NULL for none).
pub(crate) fn alloc_payload(v: Option<wasmpool_component_val_t>) -> *mut wasmpool_component_val_t {
    v.map_or(ptr::null_mut(), |v| Box::into_raw(Box::new(v)))
}

/// Frees a payload made by [`alloc_payload`] and what it owns.
///
/// # Safety
/// As [`free_owned`], for the pointee.
unsafe fn free_payload(p: *mut wasmpool_component_val_t) {
    if !p.is_null() {
        // SAFETY: made by `alloc_payload`, per the contract.
        let mut boxed = unsafe { Box::from_raw(p) };
        // SAFETY: per the contract.
        unsafe { free_owned(&mut boxed) };
    }
}

/// Frees the values of an array made by [`alloc_slice`], and the array.
///
/// # Safety
/// As [`free_owned`], for each element.
unsafe fn free_vals(data: *mut wasmpool_component_val_t, len: usize) {
    // SAFETY: per the contract.
    for v in unsafe { take_slice(data, len) }.iter_mut() {
        // SAFETY: per the contract.
        unsafe { free_owned(v) };
    }
}

/// Frees what `v` owns (not `v` itself), after which `v` is `{ kind
/// unchanged, zeroed payload }`. Resource handles are not released (their
/// store owns them); a kind out of range owns nothing.
///
/// # Safety
/// `v` was made by `from_wasmtime` (or is all-zero), and what it owns was
/// not freed yet.
pub(crate) unsafe fn free_owned(v: &mut wasmpool_component_val_t) {
    let Some(kind) = v.kind() else { return };
    // SAFETY (every block below): the kind says which member holds what,
    // and the allocations were made by this module (per the contract).
    unsafe {
        match kind {
            K::WASMPOOL_COMPONENT_VALKIND_STRING => free_string(&v.of.string),
            K::WASMPOOL_COMPONENT_VALKIND_ENUM => free_string(&v.of.enumeration),
            K::WASMPOOL_COMPONENT_VALKIND_LIST => free_vals(v.of.list.data, v.of.list.len),
            K::WASMPOOL_COMPONENT_VALKIND_TUPLE => free_vals(v.of.tuple.data, v.of.tuple.len),
            K::WASMPOOL_COMPONENT_VALKIND_RECORD => {
                for field in take_slice(v.of.record.data, v.of.record.len).iter_mut() {
                    free_string(&field.name);
                    free_owned(&mut field.value);
                }
            }
            K::WASMPOOL_COMPONENT_VALKIND_VARIANT => {
                free_string(&v.of.variant.name);
                free_payload(v.of.variant.payload);
            }
            K::WASMPOOL_COMPONENT_VALKIND_OPTION => free_payload(v.of.option),
            K::WASMPOOL_COMPONENT_VALKIND_RESULT => free_payload(v.of.result.payload),
            K::WASMPOOL_COMPONENT_VALKIND_FLAGS => {
                for name in take_slice(v.of.flags.data, v.of.flags.len).iter() {
                    free_string(name);
                }
            }
            _ => {}
        }
    }
    v.of = zeroed_union();
}
