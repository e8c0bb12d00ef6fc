//! `wasmpool_val_t`: WebAssembly values passed to and returned from calls.

use wasmtime::AsContextMut;

use crate::abi::{self, CEnum, Error, Result, raw};
use crate::core::instance::wasmpool_func_t;
use crate::core::refval;
use crate::store::data::StoreData;
use crate::store::refs::wasmpool_ref_t;

/// The type of a `wasmpool_val_t`.
///
/// Reference types are described by the top of their hierarchy: a
/// `(ref null $t)` of a function type is `FUNCREF`, `i31ref`, `eqref`,
/// `structref`, `arrayref` and `nullref` are `ANYREF`, `nullexternref` is
/// `EXTERNREF`. `REF` is left for the reference types wasmpool cannot pass
/// (continuations of the stack-switching proposal).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_valkind_t {
    /// 32-bit integer (`of.i32`).
    WASMPOOL_VALKIND_I32 = 0,
    /// 64-bit integer (`of.i64`).
    WASMPOOL_VALKIND_I64 = 1,
    /// 32-bit float (`of.f32`).
    WASMPOOL_VALKIND_F32 = 2,
    /// 64-bit float (`of.f64`).
    WASMPOOL_VALKIND_F64 = 3,
    /// 128-bit vector (`of.v128`, little-endian bytes).
    WASMPOOL_VALKIND_V128 = 4,
    /// A reference type wasmpool cannot pass. Appears only in type
    /// descriptions.
    WASMPOOL_VALKIND_REF = 5,
    /// A function reference (`of.funcref`: a function handle owned by the
    /// store, NULL for null).
    WASMPOOL_VALKIND_FUNCREF = 6,
    /// An external reference (`of.externref`: a `wasmpool_ref_t`, all zero
    /// for null), made by `wasmpool_externref_new` or received from Wasm.
    WASMPOOL_VALKIND_EXTERNREF = 7,
    /// A GC reference of the `any` hierarchy (anyref, eqref, i31ref,
    /// structref, arrayref, nullref; `of.anyref`, a `wasmpool_ref_t`, all
    /// zero for null). i31 values are made and read with
    /// `wasmpool_anyref_i31_new` / `_i31_get`; others pass through opaquely.
    WASMPOOL_VALKIND_ANYREF = 8,
    /// An exception reference (`of.exnref`): only null passes.
    WASMPOOL_VALKIND_EXNREF = 9,
}

abi::c_enum!(wasmpool_valkind_t, "WASMPOOL_VALKIND_");

/// The payload of a `wasmpool_val_t`; which member is valid is given by
/// its `kind`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasmpool_valunion_t {
    /// For `WASMPOOL_VALKIND_I32`.
    pub i32: i32,
    /// For `WASMPOOL_VALKIND_I64`.
    pub i64: i64,
    /// For `WASMPOOL_VALKIND_F32`.
    pub f32: f32,
    /// For `WASMPOOL_VALKIND_F64`.
    pub f64: f64,
    /// For `WASMPOOL_VALKIND_V128`: the 16 bytes, lowest lane first.
    pub v128: [u8; 16],
    /// For `WASMPOOL_VALKIND_FUNCREF`: a function handle of the store the
    /// value is used with (NULL: null). Results are new handles owned by the
    /// store, valid until it is deleted.
    pub funcref: *mut wasmpool_func_t,
    /// For `WASMPOOL_VALKIND_EXTERNREF` (all zero: null).
    pub externref: wasmpool_ref_t,
    /// For `WASMPOOL_VALKIND_ANYREF` (all zero: null).
    pub anyref: wasmpool_ref_t,
    /// For `WASMPOOL_VALKIND_EXNREF` (always null).
    pub exnref: wasmpool_ref_t,
}

/// A WebAssembly value: a kind and the matching member of `of`.
///
/// Plain data, owned by whoever holds it. Arguments are read, results are
/// written in full (kind and value) by wasmpool. A reference result is a
/// new root (`wasmpool_ref_t`) or a new function handle, owned by the
/// store: see `wasmpool_ref_release`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_val_t {
    /// One of `wasmpool_valkind_t`; any other value is rejected with
    /// INVALID_ARGUMENT.
    pub kind: raw::wasmpool_valkind_t,
    /// The value.
    pub of: wasmpool_valunion_t,
}

/// The name of a kind, for messages.
pub(crate) fn kind_name(kind: raw::wasmpool_valkind_t) -> String {
    match wasmpool_valkind_t::from_c(kind) {
        Ok(wasmpool_valkind_t::WASMPOOL_VALKIND_REF) => "a reference wasmpool cannot pass".to_string(),
        Ok(k) => k.short_name(),
        Err(_) => format!("kind {kind} (not a wasmpool_valkind_t)"),
    }
}

/// The kind describing `ty` in type listings.
pub(crate) fn describe(ty: &wasmtime::ValType) -> raw::wasmpool_valkind_t {
    kind_of(ty) as u32
}

/// The kind of a value of type `ty`.
pub(crate) fn kind_of(ty: &wasmtime::ValType) -> wasmpool_valkind_t {
    use wasmpool_valkind_t as V;
    match ty {
        wasmtime::ValType::I32 => V::WASMPOOL_VALKIND_I32,
        wasmtime::ValType::I64 => V::WASMPOOL_VALKIND_I64,
        wasmtime::ValType::F32 => V::WASMPOOL_VALKIND_F32,
        wasmtime::ValType::F64 => V::WASMPOOL_VALKIND_F64,
        wasmtime::ValType::V128 => V::WASMPOOL_VALKIND_V128,
        wasmtime::ValType::Ref(r) => match r.heap_type().top() {
            wasmtime::HeapType::Func => V::WASMPOOL_VALKIND_FUNCREF,
            wasmtime::HeapType::Extern => V::WASMPOOL_VALKIND_EXTERNREF,
            wasmtime::HeapType::Any => V::WASMPOOL_VALKIND_ANYREF,
            wasmtime::HeapType::Exn => V::WASMPOOL_VALKIND_EXNREF,
            _ => V::WASMPOOL_VALKIND_REF,
        },
    }
}

/// Whether values of `kind` are references (they need the store to be
/// converted).
pub(crate) fn is_ref(kind: raw::wasmpool_valkind_t) -> bool {
    kind >= wasmpool_valkind_t::WASMPOOL_VALKIND_REF as u32
        && kind <= wasmpool_valkind_t::WASMPOOL_VALKIND_EXNREF as u32
}

/// Refuses a value whose kind is not the one of `ty`.
fn check_kind(v: &wasmpool_val_t, ty: &wasmtime::ValType, what: &dyn Fn() -> String) -> Result<wasmpool_valkind_t> {
    let want = kind_of(ty);
    if want == wasmpool_valkind_t::WASMPOOL_VALKIND_REF {
        return Err(Error::invalid(format!("{} has type {ty}, which wasmpool cannot pass", what())));
    }
    if v.kind != want as u32 {
        return Err(Error::invalid(format!("{} must be {}, got {}", what(), kind_name(want as u32), kind_name(v.kind))));
    }
    Ok(want)
}

impl wasmpool_val_t {
    /// Converts to a Wasmtime value of type `ty`, checking the kind (and,
    /// for references, the store and the exact type). Reference values are
    /// rooted in the current root scope of `cx`: callers open one.
    pub(crate) fn to_wasmtime(
        self,
        ty: &wasmtime::ValType,
        cx: wasmtime::StoreContextMut<'_, StoreData>,
        what: &dyn Fn() -> String,
    ) -> Result<wasmtime::Val> {
        let kind = check_kind(&self, ty, what)?;
        if let wasmtime::ValType::Ref(rty) = ty {
            return Ok(refval::to_ref(&self, kind, rty, cx, what)?.into());
        }
        Ok(self.to_raw_num(kind).expect("a numeric kind").into_val(ty))
    }

    /// The raw call slot for a parameter of type `ty`, checking this value
    /// against it.
    pub(crate) fn to_raw_typed(
        self,
        ty: &wasmtime::ValType,
        cx: wasmtime::StoreContextMut<'_, StoreData>,
        what: &dyn Fn() -> String,
    ) -> Result<wasmtime::ValRaw> {
        let kind = check_kind(&self, ty, what)?;
        match ty {
            wasmtime::ValType::Ref(rty) => refval::to_raw(&self, kind, rty, cx, what),
            _ => Ok(self.to_raw_num(kind).expect("a numeric kind")),
        }
    }

    /// The raw slot for a numeric kind; None for reference kinds.
    fn to_raw_num(self, kind: wasmpool_valkind_t) -> Option<wasmtime::ValRaw> {
        use wasmpool_valkind_t as V;
        // SAFETY: plain-data union; the kind says which member is meant.
        Some(unsafe {
            match kind {
                V::WASMPOOL_VALKIND_I32 => wasmtime::ValRaw::i32(self.of.i32),
                V::WASMPOOL_VALKIND_I64 => wasmtime::ValRaw::i64(self.of.i64),
                V::WASMPOOL_VALKIND_F32 => wasmtime::ValRaw::f32(self.of.f32.to_bits()),
                V::WASMPOOL_VALKIND_F64 => wasmtime::ValRaw::f64(self.of.f64.to_bits()),
                V::WASMPOOL_VALKIND_V128 => wasmtime::ValRaw::v128(u128::from_le_bytes(self.of.v128)),
                _ => return None,
            }
        })
    }

    /// The raw slot for a parameter of numeric kind `want`, checking that
    /// this value has that kind (the fast path of calls without references).
    pub(crate) fn to_raw(self, want: raw::wasmpool_valkind_t, what: &dyn Fn() -> String) -> Result<wasmtime::ValRaw> {
        if self.kind != want {
            return Err(Error::invalid(format!("{} must be {}, got {}", what(), kind_name(want), kind_name(self.kind))));
        }
        self.to_raw_num(wasmpool_valkind_t::from_c(want)?)
            .ok_or_else(|| Error::invalid(format!("{} is a reference, which needs its store", what())))
    }

    /// Reads a result slot of numeric kind `kind` (the caller checked).
    pub(crate) fn from_raw(kind: raw::wasmpool_valkind_t, raw: &wasmtime::ValRaw) -> Self {
        use wasmpool_valkind_t as V;
        let of = match wasmpool_valkind_t::from_c(kind) {
            Ok(V::WASMPOOL_VALKIND_I32) => wasmpool_valunion_t { i32: raw.get_i32() },
            Ok(V::WASMPOOL_VALKIND_I64) => wasmpool_valunion_t { i64: raw.get_i64() },
            Ok(V::WASMPOOL_VALKIND_F32) => wasmpool_valunion_t { f32: f32::from_bits(raw.get_f32()) },
            Ok(V::WASMPOOL_VALKIND_F64) => wasmpool_valunion_t { f64: f64::from_bits(raw.get_f64()) },
            _ => wasmpool_valunion_t { v128: raw.get_v128().to_le_bytes() },
        };
        wasmpool_val_t { kind, of }
    }

    /// Reads a slot of type `ty` written by Wasm; references are rooted
    /// for the host (see `wasmpool_ref_release`).
    ///
    /// # Safety
    /// `raw` must hold a value of type `ty` of the store behind `cx`, with no
    /// GC since it was written.
    pub(crate) unsafe fn from_raw_typed(
        raw: wasmtime::ValRaw,
        ty: &wasmtime::ValType,
        mut cx: wasmtime::StoreContextMut<'_, StoreData>,
    ) -> Result<Self> {
        if !matches!(ty, wasmtime::ValType::Ref(_)) {
            return Ok(Self::from_raw(kind_of(ty) as u32, &raw));
        }
        let mut scope = wasmtime::RootScope::new(&mut cx);
        // SAFETY: per the contract above.
        let v = unsafe { wasmtime::Val::from_raw(&mut scope, raw, ty.clone()) };
        Self::from_wasmtime(&v, scope.as_context_mut())
    }

    /// Converts a Wasmtime value; references become new roots or function
    /// handles kept by the store of `cx`.
    pub(crate) fn from_wasmtime(v: &wasmtime::Val, cx: wasmtime::StoreContextMut<'_, StoreData>) -> Result<Self> {
        match Self::from_number(v) {
            Some(n) => Ok(n),
            None => refval::from_ref(&v.ref_().expect("the other values are references"), cx),
        }
    }

    /// Converts a numeric Wasmtime value (None for a reference).
    pub(crate) fn from_number(v: &wasmtime::Val) -> Option<Self> {
        use wasmpool_valkind_t as V;
        let (kind, of) = match v {
            wasmtime::Val::I32(i) => (V::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: *i }),
            wasmtime::Val::I64(i) => (V::WASMPOOL_VALKIND_I64, wasmpool_valunion_t { i64: *i }),
            wasmtime::Val::F32(b) => (V::WASMPOOL_VALKIND_F32, wasmpool_valunion_t { f32: f32::from_bits(*b) }),
            wasmtime::Val::F64(b) => (V::WASMPOOL_VALKIND_F64, wasmpool_valunion_t { f64: f64::from_bits(*b) }),
            wasmtime::Val::V128(x) => {
                (V::WASMPOOL_VALKIND_V128, wasmpool_valunion_t { v128: x.as_u128().to_le_bytes() })
            }
            _ => return None,
        };
        Some(wasmpool_val_t { kind: kind as u32, of })
    }
}

/// A numeric raw slot as a Wasmtime value of type `ty`.
trait IntoVal {
    fn into_val(self, ty: &wasmtime::ValType) -> wasmtime::Val;
}

impl IntoVal for wasmtime::ValRaw {
    fn into_val(self, ty: &wasmtime::ValType) -> wasmtime::Val {
        match ty {
            wasmtime::ValType::I32 => wasmtime::Val::I32(self.get_i32()),
            wasmtime::ValType::I64 => wasmtime::Val::I64(self.get_i64()),
            wasmtime::ValType::F32 => wasmtime::Val::F32(self.get_f32()),
            wasmtime::ValType::F64 => wasmtime::Val::F64(self.get_f64()),
            _ => wasmtime::Val::V128(self.get_v128().into()),
        }
    }
}
