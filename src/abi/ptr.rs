//! The pointer checks every export reads its arguments through. Each export
//! is an `unsafe extern "C" fn` whose contract (stated in the header) is that
//! a non-NULL pointer points to what its type says; these helpers check the
//! rest (NULL, alignment, UTF-8) and turn a failure into an INVALID_ARGUMENT
//! error naming the argument. They are called only with an export's own
//! arguments. Out-parameters are written once, by value, only on success.

use std::ffi::{CStr, c_char};
use std::ptr::{self, NonNull};

use super::error::{Error, Result};

/// Non-NULL and aligned, or the error naming the argument. Small enough to
/// be inlined into every export; the messages are built out of line.
#[inline]
fn checked<T>(p: *const T, name: &str) -> Result<NonNull<T>> {
    match NonNull::new(p.cast_mut()) {
        Some(nn) if p.is_aligned() => Ok(nn),
        Some(_) => Err(bad_pointer(name, "misaligned")),
        None => Err(bad_pointer(name, "NULL")),
    }
}

#[cold]
#[inline(never)]
fn bad_pointer(name: &str, what: &str) -> Error {
    Error::invalid(format!("argument `{name}` is {what}"))
}

/// A required borrowed pointer argument.
#[inline]
pub(crate) fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: non-NULL and aligned; validity of the pointee is the caller's
    // contract, documented on every export.
    checked(p, name).map(|nn| unsafe { nn.as_ref() })
}

/// A required mutable pointer argument.
#[inline]
pub(crate) fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T> {
    // SAFETY: as in `arg_ref`; exclusivity is the caller's contract (a handle
    // documented as single-threaded is not used by two threads at once).
    checked(p, name).map(|mut nn| unsafe { nn.as_mut() })
}

/// A required callback (a C function pointer, `None` when NULL).
pub(crate) fn arg_fn<F>(f: Option<F>, name: &str) -> Result<F> {
    f.ok_or_else(|| Error::invalid(format!("argument `{name}` is NULL")))
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
    pub(crate) fn into_ptr(self) -> *mut T {
        self.0.as_ptr()
    }

    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL and aligned at construction; `write`
        // does not read or drop the old contents.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// A required out-parameter.
#[inline]
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
    utf8(s.to_bytes()).map_err(|_| Error::invalid(format!("argument `{name}` is not valid UTF-8")))
}

/// `bytes` as UTF-8 text. Most strings on the per-request paths (arguments,
/// names, component string values) are short and ASCII, which a
/// word-at-a-time check settles in a fraction of full UTF-8 validation.
#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> std::result::Result<&str, std::str::Utf8Error> {
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes)
}

/// A `(pointer, length)` array argument. The pointer may be NULL only when
/// the length is 0.
#[inline]
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

#[inline]
pub(crate) fn out_slice<T>(p: *mut T, len: usize, name: &str) -> Result<OutSlice<T>> {
    if len == 0 {
        return Ok(OutSlice { ptr: ptr::null_mut(), len: 0 });
    }
    let nn = checked(p, name)?;
    Ok(OutSlice { ptr: nn.as_ptr(), len })
}

/// Writes item `index` of `list`, as C sees it, to `*out`: the body of every
/// indexed listing export. `what` names the list for the range error.
pub(crate) fn write_nth<T, C>(list: &[T], index: usize, what: &str, out: *mut C, to_c: impl FnOnce(&T) -> C) -> Result<()> {
    let out = self::out(out, "out")?;
    let item = list
        .get(index)
        .ok_or_else(|| Error::invalid(format!("{what} index {index} is out of range (there are {})", list.len())))?;
    out.write(to_c(item));
    Ok(())
}
