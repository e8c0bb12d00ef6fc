//! The C boundary. Every exported function goes through exactly one of the
//! two panic guards below and reads its pointer arguments only through the
//! checked accessors, so that:
//!
//! * no Rust panic unwinds into C (it becomes a `WASMPOOL_ERROR_PANIC` error,
//!   or a documented default for functions that return no error);
//! * no pointer is dereferenced before it was checked for NULL and alignment;
//! * out-parameters are written only on success (callers hold an [`Out`]
//!   and write it as the last step).

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::{self, NonNull};

use crate::error::{Error, Result, wasmpool_error_t};

/// Runs a fallible export body. `Ok` becomes NULL, `Err` an owned error
/// handle, a panic a `WASMPOOL_ERROR_PANIC` error.
pub(crate) fn guard<F>(body: F) -> *mut wasmpool_error_t
where
    F: FnOnce() -> Result<()>,
{
    match catch_unwind(AssertUnwindSafe(|| {
        test_hooks::maybe_panic();
        body()
    })) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(err)) => err.into_raw(),
        Err(payload) => Error::panic(payload).into_raw(),
    }
}

/// Runs an export body that cannot report an error (getters, deletes).
/// A panic yields `fallback`, which each export documents.
pub(crate) fn guard_value<T, F>(fallback: T, body: F) -> T
where
    F: FnOnce() -> T,
{
    catch_unwind(AssertUnwindSafe(|| {
        test_hooks::maybe_panic();
        body()
    }))
    .unwrap_or(fallback)
}

/// A way for tests to prove the panic boundary: with the `test-hooks`
/// feature, `panic_next_call()` makes the next export panic inside its guard.
/// Without the feature the hook compiles to nothing.
pub mod test_hooks {
    #[cfg(feature = "test-hooks")]
    static PANIC_NEXT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    /// Arms the hook: the next call that enters a guard panics there.
    #[cfg(feature = "test-hooks")]
    pub fn panic_next_call() {
        PANIC_NEXT.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    #[inline(always)]
    pub(crate) fn maybe_panic() {
        #[cfg(feature = "test-hooks")]
        if PANIC_NEXT.swap(false, std::sync::atomic::Ordering::SeqCst) {
            panic!("injected by the test hook");
        }
    }
}

fn checked<T>(p: *const T, name: &str) -> Result<NonNull<T>> {
    let Some(nn) = NonNull::new(p.cast_mut()) else {
        return Err(Error::invalid(format!("argument `{name}` is NULL")));
    };
    if !p.is_aligned() {
        return Err(Error::invalid(format!("argument `{name}` is misaligned")));
    }
    Ok(nn)
}

/// A required borrowed pointer argument.
pub(crate) fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: non-NULL and aligned; validity of the pointee is the caller's
    // contract, documented on every export.
    checked(p, name).map(|nn| unsafe { nn.as_ref() })
}

/// A required mutable pointer argument.
pub(crate) fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T> {
    // SAFETY: as in `arg_ref`; exclusivity is the caller's contract (a handle
    // documented as single-threaded is not used by two threads at once).
    checked(p, name).map(|mut nn| unsafe { nn.as_mut() })
}

/// An optional borrowed pointer (NULL allowed), for functions without errors.
pub(crate) fn opt_ref<'a, T>(p: *const T) -> Option<&'a T> {
    arg_ref(p, "").ok()
}

/// A checked out-parameter: written once, by value, only on success. It is
/// never read, so it may point to uninitialised memory.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// The checked pointer, for out-structs the callee fills field by field.
    pub(crate) fn as_ptr(self) -> *mut T {
        self.0.as_ptr()
    }

    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL and aligned at construction; `write`
        // does not read or drop the old contents.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// A required out-parameter.
pub(crate) fn out<T>(p: *mut T, name: &str) -> Result<Out<T>> {
    checked(p, name).map(Out)
}

/// An optional out-parameter (NULL means "not wanted").
pub(crate) fn opt_out<T>(p: *mut T) -> Option<Out<T>> {
    checked(p, "").ok().map(Out)
}

/// A required NUL-terminated UTF-8 string argument.
pub(crate) fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    let nn = checked(p, name)?;
    // SAFETY: non-NULL; the caller promises a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(nn.as_ptr()) };
    s.to_str()
        .map_err(|_| Error::invalid(format!("argument `{name}` is not valid UTF-8")))
}

/// A `(pointer, length)` array argument. The pointer may be NULL only when
/// the length is 0.
pub(crate) fn arg_slice<'a, T>(p: *const T, len: usize, name: &str) -> Result<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    let nn = checked(p, name)?;
    // SAFETY: non-NULL, aligned, and the caller promises `len` elements.
    Ok(unsafe { std::slice::from_raw_parts(nn.as_ptr(), len) })
}

/// A `(pointer, length)` array the callee fills. Elements are written, never
/// read, so the memory may be uninitialised; NULL is allowed when `len` is 0.
pub(crate) struct OutSlice<T> {
    ptr: *mut T,
    len: usize,
}

impl<T> OutSlice<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Writes all elements; `values` must have exactly `len()` items.
    pub(crate) fn write_all(self, values: impl ExactSizeIterator<Item = T>) {
        assert_eq!(values.len(), self.len, "OutSlice::write_all length mismatch");
        for (i, v) in values.enumerate() {
            // SAFETY: `i < len`, the pointer was checked and the caller
            // promised room for `len` elements.
            unsafe { self.ptr.add(i).write(v) }
        }
    }
}

pub(crate) fn out_slice<T>(p: *mut T, len: usize, name: &str) -> Result<OutSlice<T>> {
    if len == 0 {
        return Ok(OutSlice { ptr: ptr::null_mut(), len: 0 });
    }
    let nn = checked(p, name)?;
    Ok(OutSlice { ptr: nn.as_ptr(), len })
}

/// Moves a Rust value to the heap and hands ownership to C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back and drops a handle created by [`into_handle`]. NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or a pointer returned by `into_handle::<T>` that has not
/// been deleted yet.
pub(crate) unsafe fn delete_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: per the contract above.
        drop(unsafe { Box::from_raw(p) });
    }
}
