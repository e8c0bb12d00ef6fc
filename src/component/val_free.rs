//! How value trees are allocated and freed: the two must agree, so both live
//! here. Every array, string and boxed payload is a C `malloc` block (NULL
//! when empty), because trees travel both ways: wasmpool hands call results
//! to C (freed by `wasmpool_component_val_delete`), and a C host function
//! hands its results to wasmpool, which frees them the same way.

use std::ffi::c_char;
use std::ptr;

use super::val::{
    wasmpool_component_string_t, wasmpool_component_val_t, wasmpool_component_valkind_t as K, zeroed_union,
};

/// A `malloc` block for `len` values of `T`; out of memory is reported the
/// way Rust reports it for its own allocations.
fn malloc_array<T>(len: usize) -> *mut T {
    let layout = std::alloc::Layout::array::<T>(len).expect("a value tree fits in memory");
    // SAFETY: a plain C allocation of a non-zero size; malloc's alignment
    // suits every value type (all at most 8-byte aligned).
    let p = unsafe { libc::malloc(layout.size().max(1)) }.cast::<T>();
    if p.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    p
}

/// Hands `items` to C as `(data, len)`; NULL for an empty vector.
pub(crate) fn alloc_slice<T>(mut items: Vec<T>) -> (*mut T, usize) {
    if items.is_empty() {
        return (ptr::null_mut(), 0);
    }
    let len = items.len();
    let data = malloc_array::<T>(len);
    // SAFETY: `data` has room for `len` values; the values move there, so
    // the vector forgets them before it frees its buffer.
    unsafe {
        ptr::copy_nonoverlapping(items.as_ptr(), data, len);
        items.set_len(0);
    }
    (data, len)
}

/// Takes back an array made by [`alloc_slice`] (or by a C host with
/// `malloc`), moving its values out and freeing the block.
///
/// # Safety
/// `(data, len)` is NULL or a live `malloc` block of `len` values.
unsafe fn take_slice<T>(data: *mut T, len: usize) -> Vec<T> {
    if data.is_null() {
        return Vec::new();
    }
    // SAFETY: per the contract; each value is read once, then the block is
    // freed without touching them again.
    unsafe {
        let items = (0..len).map(|i| ptr::read(data.add(i))).collect();
        libc::free(data.cast());
        items
    }
}

/// Hands `s` to C as its own `malloc` block (NULL when empty), without a
/// copy: the crate's global allocator is the system's `malloc` (`lib.rs`),
/// so the string's buffer is one, which `free_string` releases.
pub(crate) fn give_string(s: String) -> wasmpool_component_string_t {
    if s.is_empty() {
        return wasmpool_component_string_t { data: ptr::null_mut(), len: 0 };
    }
    let mut s = std::mem::ManuallyDrop::new(s.into_bytes());
    wasmpool_component_string_t { data: s.as_mut_ptr().cast::<c_char>(), len: s.len() }
}

/// Frees a string made by [`give_string`] (or by a C host with `malloc`):
/// bytes need no dropping, so the block is freed as it is.
///
/// # Safety
/// `s.data` is NULL or a live `malloc` block.
unsafe fn free_string(s: &wasmpool_component_string_t) {
    // SAFETY: per the contract; free(NULL) does nothing.
    unsafe { libc::free(s.data.cast()) };
}

/// A payload owned by C (NULL for none).
pub(crate) fn alloc_payload(v: Option<wasmpool_component_val_t>) -> *mut wasmpool_component_val_t {
    v.map_or(ptr::null_mut(), |v| {
        let p = malloc_array::<wasmpool_component_val_t>(1);
        // SAFETY: a fresh block with room for one value.
        unsafe { p.write(v) };
        p
    })
}

/// Frees a payload made by [`alloc_payload`] and what it owns.
///
/// # Safety
/// As [`free_owned`], for the pointee.
unsafe fn free_payload(p: *mut wasmpool_component_val_t) {
    // SAFETY: a payload is a one-value block, per the contract.
    for mut v in unsafe { take_slice(p, 1) } {
        // SAFETY: per the contract.
        unsafe { free_owned(&mut v) };
    }
}

/// Frees the values of an array made by [`alloc_slice`], and the array.
///
/// # Safety
/// As [`free_owned`], for each element.
unsafe fn free_vals(data: *mut wasmpool_component_val_t, len: usize) {
    // SAFETY: per the contract.
    for v in &mut unsafe { take_slice(data, len) } {
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
                for field in &mut take_slice(v.of.record.data, v.of.record.len) {
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
                for name in &take_slice(v.of.flags.data, v.of.flags.len) {
                    free_string(name);
                }
            }
            _ => {}
        }
    }
    v.of = zeroed_union();
}
