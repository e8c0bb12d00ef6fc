//! Reference values between C and Wasmtime: a funcref is a store-owned
//! `wasmpool_func_t`, an externref or anyref a `wasmpool_ref_t` naming a
//! root the store keeps for the host (see `store/refs.rs`), an exnref only
//! null. Every reference is checked against the store it is used with and
//! against the exact type expected (a null for a non-nullable type, a
//! function of the wrong signature, an anyref that is not an i31 for
//! `i31ref` are refused here, before Wasmtime sees them).

use wasmtime::{AsContextMut, Ref, RefType, StoreContextMut};

use crate::abi::{self, Error, Result};
use crate::core::instance::{FuncTy, wasmpool_func_t};
use crate::core::module_info::ExternInfo;
use crate::core::val::{wasmpool_val_t, wasmpool_valkind_t as V, wasmpool_valunion_t};
use crate::store::data::StoreData;
use crate::store::refs::{Root, wasmpool_ref_t};

/// The root `r` names in the store of `cx`, or an error naming `what`.
pub(crate) fn root(cx: &StoreContextMut<'_, StoreData>, r: wasmpool_ref_t, what: &dyn Fn() -> String) -> Result<Root> {
    cx.data().refs.get(r).cloned().map_err(|why| Error::invalid(format!("{}: {}", what(), why.describe())))
}

/// The Wasmtime reference for `v`, of kind `kind` (already checked to be
/// the kind of `ty`), rooted in the current scope of `cx`.
pub(crate) fn to_ref(
    v: &wasmpool_val_t,
    kind: V,
    ty: &RefType,
    mut cx: StoreContextMut<'_, StoreData>,
    what: &dyn Fn() -> String,
) -> Result<Ref> {
    // SAFETY (union reads): the kind was checked against `ty` by the
    // caller, so the member read is the one the host meant.
    let r = match kind {
        V::WASMPOOL_VALKIND_FUNCREF => match abi::opt_ref(unsafe { v.of.funcref }) {
            None => Ref::Func(None),
            Some(f) => {
                if Some(f.store) != cx.data().home {
                    return Err(Error::invalid(format!("{}: the function belongs to another store", what())));
                }
                Ref::Func(Some(f.func))
            }
        },
        V::WASMPOOL_VALKIND_EXTERNREF => {
            let r = unsafe { v.of.externref };
            if r.is_null() {
                Ref::Extern(None)
            } else {
                match root(&cx, r, what)? {
                    Root::Extern(o) => Ref::Extern(Some(o.to_rooted(&mut cx))),
                    other => return Err(mismatch(what, &other, "an externref")),
                }
            }
        }
        V::WASMPOOL_VALKIND_ANYREF => {
            let r = unsafe { v.of.anyref };
            if r.is_null() {
                Ref::Any(None)
            } else {
                match root(&cx, r, what)? {
                    Root::Any(o) => Ref::Any(Some(o.to_rooted(&mut cx))),
                    other => return Err(mismatch(what, &other, "an anyref")),
                }
            }
        }
        V::WASMPOOL_VALKIND_EXNREF => {
            if !unsafe { v.of.exnref }.is_null() {
                return Err(Error::invalid(format!("{}: only a null exnref can be passed", what())));
            }
            Ref::Exn(None)
        }
        _ => unreachable!("the caller passes reference kinds only"),
    };
    let fits = r.matches_ty(&cx, ty).map_err(|e| Error::invalid(format!("{}: {e}", what())))?;
    if !fits {
        let shown = if r.is_null() { "null" } else { "the reference" };
        return Err(Error::invalid(format!("{}: {shown} does not match the expected type {ty}", what())));
    }
    Ok(r)
}

fn mismatch(what: &dyn Fn() -> String, got: &Root, want: &str) -> Error {
    Error::invalid(format!("{}: the reference holds {}, not {want}", what(), got.what()))
}

/// The raw call slot for `v` (see [`to_ref`]). The GC reference it holds is
/// exposed to Wasm: it stays valid until the next collection, so the slot
/// must be passed before anything can collect.
pub(crate) fn to_raw(
    v: &wasmpool_val_t,
    kind: V,
    ty: &RefType,
    mut cx: StoreContextMut<'_, StoreData>,
    what: &dyn Fn() -> String,
) -> Result<wasmtime::ValRaw> {
    let mut scope = wasmtime::RootScope::new(&mut cx);
    let r = to_ref(v, kind, ty, scope.as_context_mut(), what)?;
    wasmtime::Val::from(r).to_raw(&mut scope).map_err(|e| Error::invalid(format!("{}: {e}", what())))
}

/// The C value for a reference: a new function handle kept by the store,
/// or a new root (`wasmpool_ref_t`) the host releases with
/// `wasmpool_ref_release`.
pub(crate) fn from_ref(r: &Ref, mut cx: StoreContextMut<'_, StoreData>) -> Result<wasmpool_val_t> {
    let rooted = |e: wasmtime::Error| Error::invalid(format!("cannot root the reference: {e}"));
    let (kind, of) = match r {
        Ref::Func(f) => (V::WASMPOOL_VALKIND_FUNCREF, wasmpool_valunion_t { funcref: f.map_or(std::ptr::null_mut(), |f| func_handle(&mut cx, f, "funcref")) }),
        Ref::Extern(None) => (V::WASMPOOL_VALKIND_EXTERNREF, wasmpool_valunion_t { externref: wasmpool_ref_t::NULL }),
        Ref::Extern(Some(e)) => {
            let owned = e.to_owned_rooted(&mut cx).map_err(rooted)?;
            (V::WASMPOOL_VALKIND_EXTERNREF, wasmpool_valunion_t { externref: cx.data_mut().refs.insert(Root::Extern(owned)) })
        }
        Ref::Any(None) => (V::WASMPOOL_VALKIND_ANYREF, wasmpool_valunion_t { anyref: wasmpool_ref_t::NULL }),
        Ref::Any(Some(a)) => {
            let owned = a.to_owned_rooted(&mut cx).map_err(rooted)?;
            (V::WASMPOOL_VALKIND_ANYREF, wasmpool_valunion_t { anyref: cx.data_mut().refs.insert(Root::Any(owned)) })
        }
        Ref::Exn(None) => (V::WASMPOOL_VALKIND_EXNREF, wasmpool_valunion_t { exnref: wasmpool_ref_t::NULL }),
        Ref::Exn(Some(_)) => return Err(Error::invalid("a non-null exnref cannot be passed to the host")),
    };
    Ok(wasmpool_val_t { kind: kind as u32, of })
}

/// A new handle for `func`, kept by the store of `cx` until it is deleted;
/// `name` is what `wasmpool_func_type` reports.
pub(crate) fn func_handle(cx: &mut StoreContextMut<'_, StoreData>, func: wasmtime::Func, name: &str) -> *mut wasmpool_func_t {
    let ty = wasmtime::ExternType::Func(func.ty(&*cx));
    let info = ExternInfo::new(None, name, &ty);
    let store = cx.data().home.expect("a store handle sets its home when made");
    cx.data_mut().keep(wasmpool_func_t { func, store, ty: FuncTy::Own(info) })
}
