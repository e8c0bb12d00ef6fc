//! Ownership in the types, after rustls-ffi's `Castable`: each C handle type
//! says how it is owned, and only caller-owned (boxed) handles can be turned
//! into a C pointer or freed. A store-owned handle (an instance, a function
//! handle) passed to [`delete`] does not compile.

/// A C handle type and how it is owned.
pub(crate) trait Handle: Sized {
    /// [`Boxed`] or [`StoreOwned`].
    type Ownership;
}

/// Owned by the C caller: made by [`into_boxed`], released by the type's
/// `wasmpool_X_delete`, which calls [`delete`].
pub(crate) enum Boxed {}

/// Owned by a store (or another handle) and released with it; C never frees it.
pub(crate) enum StoreOwned {}

/// Moves a value to the heap and hands ownership to C.
pub(crate) fn into_boxed<T: Handle<Ownership = Boxed>>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// As [`into_boxed`], for a handle made per request: allocates first and then
/// has `make` build the value in the allocation (a value built before would
/// be copied there, a few hundred bytes).
#[inline(always)]
pub(crate) fn into_boxed_with<T: Handle<Ownership = Boxed>>(make: impl FnOnce() -> T) -> *mut T {
    let slot = Box::new_uninit();
    Box::into_raw(Box::write(slot, make()))
}

/// The body of every `_delete` export: takes back and drops a handle made by
/// [`into_boxed`], inside the panic boundary. NULL is a no-op; a panic while
/// dropping leaks the handle instead of crossing into C.
///
/// # Safety
/// `p` must be NULL or a pointer returned by `into_boxed::<T>` that has not
/// been deleted yet.
pub(crate) unsafe fn delete<T: Handle<Ownership = Boxed>>(p: *mut T) {
    super::guard_value((), || {
        if !p.is_null() {
            // SAFETY: per the contract above.
            drop(unsafe { Box::from_raw(p) });
        }
    })
}
