//! Externref and anyref values for the host: making an externref around a
//! host pointer (its finalizer runs once, when Wasmtime's GC frees the
//! object or when the store is deleted), reading it back, i31 values, and
//! releasing the roots the store keeps for the host.
//!
//! Rooting model: every `wasmpool_ref_t` wasmpool writes (from these
//! functions, call results, global and table reads, host function
//! parameters) is a new root held by the store, so the object stays alive
//! while the host can name it. The host releases a root with
//! `wasmpool_ref_release`; the store releases whatever is left when it is
//! deleted. Once released, the ref is refused (INVALID_ARGUMENT), never
//! followed. Copies of a `wasmpool_ref_t` name the same root: release it
//! once. Inside a host function the store is busy: the `wasmpool_caller_*`
//! variants reach the same roots, and every root made while the host
//! function runs is released when it returns (after its results are read).

use std::ffi::c_void;

use wasmtime::{AsContextMut, StoreContextMut};

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t, wasmpool_finalizer_t};
use crate::core::caller::{WCaller, caller_mut, wasmpool_caller_t};
use crate::core::refval::root;
use crate::store::data::StoreData;
use crate::store::refs::{Root, wasmpool_ref_t};
use crate::store::wasmpool_store_t;

/// The host's pointer inside an externref, and its finalizer, which
/// Wasmtime runs by dropping this when the GC frees the object or the store
/// goes.
struct HostData {
    data: *mut c_void,
    finalizer: wasmpool_finalizer_t,
}

// SAFETY: the host promises (documented on `wasmpool_externref_new`) that
// `data` and its finalizer may be used on whichever thread uses the store;
// wasmpool only hands the pointer back.
unsafe impl Send for HostData {}
unsafe impl Sync for HostData {}

impl Drop for HostData {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            // SAFETY: the host gave this finalizer for this data; Wasmtime
            // drops the host data of an externref exactly once.
            unsafe { finalizer(self.data) }
        }
    }
}

/// The store's context for the functions below, refused while a guest of
/// the store runs (a host function uses the `wasmpool_caller_*` variants).
fn store_cx(store: *mut wasmpool_store_t) -> Result<StoreContextMut<'static, StoreData>> {
    let store = abi::arg_mut(store, "store")?;
    if store.store.data().in_call {
        return Err(Error::invalid(
            "argument `store`: a call into the store is running; inside a host function use the wasmpool_caller_* variant",
        ));
    }
    Ok(store.store.as_context_mut())
}

fn externref_new(mut cx: StoreContextMut<'_, StoreData>, data: *mut c_void, finalizer: wasmpool_finalizer_t, out: *mut wasmpool_ref_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let host = HostData { data, finalizer };
    let mut scope = wasmtime::RootScope::new(&mut cx);
    // On failure Wasmtime drops `host`, running the finalizer (documented).
    let made = wasmtime::ExternRef::new(&mut scope, host).and_then(|r| r.to_owned_rooted(&mut scope));
    let owned = made.map_err(|e| {
        // Wasmtime collected and retried already: the heap cannot grow
        // (the pool's or the store's memory limits). A store's first GC
        // object also needs its GC heap, a memory slot of a pooling engine:
        // none free is POOL_EXHAUSTED, as for an instance.
        if e.is::<wasmtime::GcHeapOutOfMemory<HostData>>() || e.is::<wasmtime::GcHeapOutOfMemory<()>>() {
            return Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, format!("cannot allocate the externref: {e}"));
        }
        let e = Error::from_wasmtime(e, K::WASMPOOL_ERROR_INVALID_ARGUMENT);
        Error::new(e.kind, format!("cannot allocate the externref: {}", e.message))
    })?;
    drop(scope);
    out.write(cx.data_mut().refs.insert(Root::Extern(owned)));
    Ok(())
}

/// Makes an externref around the host's `data` in `store` and writes it to
/// `*out` (a new root: see `wasmpool_ref_release`).
///
/// `finalizer` (may be NULL) is called with `data` exactly once: when the
/// object is no longer referenced by Wasm or by a root and a garbage
/// collection frees it (`wasmpool_store_gc`, or one Wasmtime runs by
/// itself), or at the latest by `wasmpool_store_delete` (before the store's
/// own data finalizer). `data` must be usable from whichever thread uses the
/// store. Not while a call into the store runs (use
/// `wasmpool_caller_externref_new` in a host function).
///
/// Errors: INVALID_ARGUMENT (NULL `store` or `out`, a call running);
/// LIMIT_EXCEEDED (the GC heap cannot hold the object even after a
/// collection: it cannot grow within the pool's or the store's memory
/// limits; the finalizer has then already run); POOL_EXHAUSTED (the
/// store's first GC object needs a GC heap, which a pooling engine takes
/// from its memory slots, and none is free).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_externref_new(
    store: *mut wasmpool_store_t,
    data: *mut c_void,
    finalizer: wasmpool_finalizer_t,
    out: *mut wasmpool_ref_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| externref_new(store_cx(store)?, data, finalizer, out))
}

/// `wasmpool_externref_new` from inside a host function, in the store of
/// `caller`. The root lasts until the host function returns (return the ref,
/// or store it in a global or table, to keep the object); the finalizer as
/// for `wasmpool_externref_new`. Errors as there (NULL `caller` instead of
/// `store`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_externref_new(
    caller: *mut wasmpool_caller_t,
    data: *mut c_void,
    finalizer: wasmpool_finalizer_t,
    out: *mut wasmpool_ref_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| externref_new(caller_cx(caller)?, data, finalizer, out))
}


fn caller_cx(caller: *mut wasmpool_caller_t) -> Result<StoreContextMut<'static, StoreData>> {
    let caller: &mut WCaller = caller_mut(caller)?;
    Ok(caller.as_context_mut())
}

fn externref_data(cx: StoreContextMut<'_, StoreData>, r: wasmpool_ref_t, out: *mut *mut c_void) -> Result<()> {
    let out = abi::out(out, "out")?;
    if r.is_null() {
        return Err(Error::invalid("argument `reference`: a null externref holds no data"));
    }
    let owned = match root(&cx, r, &|| "argument `reference`".to_string())? {
        Root::Extern(o) => o,
        other => return Err(Error::invalid(format!("argument `reference`: the reference holds {}, not an externref", other.what()))),
    };
    let data = owned.data(&cx).map_err(|e| Error::invalid(format!("argument `reference`: {e}")))?;
    let host = data
        .and_then(|d| d.downcast_ref::<HostData>())
        .ok_or_else(|| Error::invalid("argument `reference`: the externref was not made by wasmpool_externref_new (it wraps a Wasm anyref)"))?;
    out.write(host.data);
    Ok(())
}

/// Writes the host pointer an externref was made with
/// (`wasmpool_externref_new`) to `*out`. Borrowed: the finalizer owns it.
///
/// Errors: INVALID_ARGUMENT (NULL `store` or `out`, a call running; `reference`
/// null, of another store, released, an anyref, or an externref Wasm made
/// with `extern.convert_any`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_externref_data(
    store: *mut wasmpool_store_t,
    reference: wasmpool_ref_t,
    out: *mut *mut c_void,
) -> *mut wasmpool_error_t {
    abi::guard(|| externref_data(store_cx(store)?, reference, out))
}

/// `wasmpool_externref_data` from inside a host function, in the store of
/// `caller`. Same errors (NULL `caller` instead of `store`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_externref_data(
    caller: *mut wasmpool_caller_t,
    reference: wasmpool_ref_t,
    out: *mut *mut c_void,
) -> *mut wasmpool_error_t {
    abi::guard(|| externref_data(caller_cx(caller)?, reference, out))
}

fn release(mut cx: StoreContextMut<'_, StoreData>, r: wasmpool_ref_t) -> Result<()> {
    if r.is_null() {
        return Ok(());
    }
    cx.data_mut().refs.release(r).map_err(|why| Error::invalid(format!("argument `reference`: {}", why.describe())))
}

/// Releases the root `reference` names: the object may be collected once nothing
/// else references it, and `reference` (and every copy of it) is refused from now
/// on. A null ref is accepted and ignored.
///
/// Errors: INVALID_ARGUMENT (NULL `store`, a call running; `reference` of another
/// store or already released).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_ref_release(store: *mut wasmpool_store_t, reference: wasmpool_ref_t) -> *mut wasmpool_error_t {
    abi::guard(|| release(store_cx(store)?, reference))
}

/// `wasmpool_ref_release` from inside a host function, in the store of
/// `caller` (roots made during the call go by themselves when it returns;
/// this releases one earlier, or one the host made before). Same errors.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_caller_ref_release(caller: *mut wasmpool_caller_t, reference: wasmpool_ref_t) -> *mut wasmpool_error_t {
    abi::guard(|| release(caller_cx(caller)?, reference))
}

/// The number of roots `store` holds for the host (refs made or received
/// and not released yet); 0 if `store` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_ref_count(store: *const wasmpool_store_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(store).map_or(0, |s| s.store.data().refs.len()))
}

/// Runs a garbage collection in `store` now: objects that neither Wasm nor
/// a root of the host references are freed, and the finalizers of such
/// externrefs run before this returns.
///
/// Errors: INVALID_ARGUMENT (NULL `store`, a call running); OTHER (the
/// collection failed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_store_gc(store: *mut wasmpool_store_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let mut cx = store_cx(store)?;
        let collected = if cx.data().stacks.is_some() {
            crate::store::data::block_on(cx.gc_async(None))
        } else {
            cx.gc(None)
        };
        collected.map_err(|e| Error::from_wasmtime(e, abi::wasmpool_error_kind_t::WASMPOOL_ERROR_OTHER))
    })
}

/// Makes an `i31ref` (an anyref) holding the low 31 bits of `value` (as
/// `ref.i31` does: the top bit is dropped) in `store`, and writes it to
/// `*out` (a new root: see `wasmpool_ref_release`).
///
/// Errors: INVALID_ARGUMENT (NULL `store` or `out`, a call running).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_anyref_i31_new(store: *mut wasmpool_store_t, value: i32, out: *mut wasmpool_ref_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let mut cx = store_cx(store)?;
        let out = abi::out(out, "out")?;
        let mut scope = wasmtime::RootScope::new(&mut cx);
        let any = wasmtime::AnyRef::from_i31(&mut scope, wasmtime::I31::wrapping_i32(value));
        let owned = any.to_owned_rooted(&mut scope).map_err(|e| Error::invalid(format!("cannot root the i31ref: {e}")))?;
        drop(scope);
        out.write(cx.data_mut().refs.insert(Root::Any(owned)));
        Ok(())
    })
}

fn i31(store: *mut wasmpool_store_t, r: wasmpool_ref_t) -> Result<wasmtime::I31> {
    let cx = store_cx(store)?;
    if r.is_null() {
        return Err(Error::invalid("argument `reference`: null is not an i31"));
    }
    let owned = match root(&cx, r, &|| "argument `reference`".to_string())? {
        Root::Any(o) => o,
        other => return Err(Error::invalid(format!("argument `reference`: the reference holds {}, not an anyref", other.what()))),
    };
    owned
        .as_i31(&cx)
        .map_err(|e| Error::invalid(format!("argument `reference`: {e}")))?
        .ok_or_else(|| Error::invalid("argument `reference`: the anyref is not an i31 (a struct, array or converted externref)"))
}

/// Reads the i31 value of the anyref `reference`, sign-extended (`i31.get_s`),
/// into `*out`. Errors: INVALID_ARGUMENT (NULL `store` or `out`, a call
/// running; `reference` null, of another store, released, an externref, or an
/// anyref that is not an i31).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_anyref_i31_get_s(store: *mut wasmpool_store_t, reference: wasmpool_ref_t, out: *mut i32) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let out = abi::out(out, "out")?;
        out.write(i31(store, reference)?.get_i32());
        Ok(())
    })
}

/// Reads the i31 value of the anyref `reference`, zero-extended (`i31.get_u`),
/// into `*out`. Errors as `wasmpool_anyref_i31_get_s`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_anyref_i31_get_u(store: *mut wasmpool_store_t, reference: wasmpool_ref_t, out: *mut u32) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let out = abi::out(out, "out")?;
        out.write(i31(store, reference)?.get_u32());
        Ok(())
    })
}
