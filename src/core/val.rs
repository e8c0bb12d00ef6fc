//! `wasmpool_val_t`: WebAssembly values passed to and returned from calls.

use crate::abi::{self, CEnum, Error, Result, raw};

/// The type of a `wasmpool_val_t`.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr)]
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
    /// A reference type (funcref, externref, GC references). Appears only in
    /// type descriptions: calls cannot pass or return references.
    WASMPOOL_VALKIND_REF = 5,
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
}

/// A WebAssembly value: a kind and the matching member of `of`.
///
/// Plain data, owned by whoever holds it. Arguments are read, results are
/// written in full (kind and value) by wasmpool.
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
fn kind_name(kind: raw::wasmpool_valkind_t) -> String {
    match wasmpool_valkind_t::from_c(kind) {
        Ok(wasmpool_valkind_t::WASMPOOL_VALKIND_REF) => "a reference".to_string(),
        Ok(k) => k.short_name(),
        Err(_) => format!("kind {kind} (not a wasmpool_valkind_t)"),
    }
}

/// The kind describing `ty` in type listings (references become `REF`).
pub(crate) fn describe(ty: &wasmtime::ValType) -> raw::wasmpool_valkind_t {
    kind_of(ty).unwrap_or(wasmpool_valkind_t::WASMPOOL_VALKIND_REF) as u32
}

fn kind_of(ty: &wasmtime::ValType) -> Option<wasmpool_valkind_t> {
    use wasmpool_valkind_t as V;
    Some(match ty {
        wasmtime::ValType::I32 => V::WASMPOOL_VALKIND_I32,
        wasmtime::ValType::I64 => V::WASMPOOL_VALKIND_I64,
        wasmtime::ValType::F32 => V::WASMPOOL_VALKIND_F32,
        wasmtime::ValType::F64 => V::WASMPOOL_VALKIND_F64,
        wasmtime::ValType::V128 => V::WASMPOOL_VALKIND_V128,
        wasmtime::ValType::Ref(_) => return None,
    })
}

/// The kind for a Wasmtime type, or an error naming `what` for reference
/// types, which the C API does not carry.
pub(crate) fn kind_for(ty: &wasmtime::ValType, what: &dyn Fn() -> String) -> Result<wasmpool_valkind_t> {
    kind_of(ty).ok_or_else(|| Error::invalid(format!("{} has type {ty}, which wasmpool cannot pass", what())))
}

impl wasmpool_val_t {
    /// Converts to a Wasmtime value of type `ty`, checking the kind.
    pub(crate) fn to_wasmtime(self, ty: &wasmtime::ValType, what: &dyn Fn() -> String) -> Result<wasmtime::Val> {
        let want = kind_for(ty, what)?;
        if self.kind != want as u32 {
            return Err(Error::invalid(format!(
                "{} must be {:?}, got kind {}",
                what(),
                want,
                self.kind
            )));
        }
        // SAFETY: every member is plain bytes; the kind says which one the
        // caller meant and we just checked it.
        Ok(unsafe {
            match want {
                wasmpool_valkind_t::WASMPOOL_VALKIND_I32 => wasmtime::Val::I32(self.of.i32),
                wasmpool_valkind_t::WASMPOOL_VALKIND_I64 => wasmtime::Val::I64(self.of.i64),
                wasmpool_valkind_t::WASMPOOL_VALKIND_F32 => wasmtime::Val::F32(self.of.f32.to_bits()),
                wasmpool_valkind_t::WASMPOOL_VALKIND_F64 => wasmtime::Val::F64(self.of.f64.to_bits()),
                wasmpool_valkind_t::WASMPOOL_VALKIND_V128 => {
                    wasmtime::Val::V128(u128::from_le_bytes(self.of.v128).into())
                }
                wasmpool_valkind_t::WASMPOOL_VALKIND_REF => unreachable!("kind_for never yields REF"),
            }
        })
    }

    /// The raw slot for a parameter of kind `want` (never `REF`), checking
    /// that this value has that kind.
    pub(crate) fn to_raw(self, want: raw::wasmpool_valkind_t, what: &dyn Fn() -> String) -> Result<wasmtime::ValRaw> {
        use wasmpool_valkind_t as V;
        if self.kind != want {
            return Err(Error::invalid(format!("{} must be {}, got {}", what(), kind_name(want), kind_name(self.kind))));
        }
        // SAFETY: plain-data union; the kind says which member is meant.
        Ok(unsafe {
            match wasmpool_valkind_t::from_c(want)? {
                V::WASMPOOL_VALKIND_I32 => wasmtime::ValRaw::i32(self.of.i32),
                V::WASMPOOL_VALKIND_I64 => wasmtime::ValRaw::i64(self.of.i64),
                V::WASMPOOL_VALKIND_F32 => wasmtime::ValRaw::f32(self.of.f32.to_bits()),
                V::WASMPOOL_VALKIND_F64 => wasmtime::ValRaw::f64(self.of.f64.to_bits()),
                V::WASMPOOL_VALKIND_V128 => wasmtime::ValRaw::v128(u128::from_le_bytes(self.of.v128)),
                V::WASMPOOL_VALKIND_REF => {
                    return Err(Error::invalid(format!("{} is a reference, which wasmpool cannot pass", what())));
                }
            }
        })
    }

    /// Reads a result slot of kind `kind` (never `REF`: the caller checked).
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

    /// Converts a Wasmtime value; reference values are rejected.
    pub(crate) fn from_wasmtime(v: &wasmtime::Val) -> Result<Self> {
        use wasmpool_valkind_t as V;
        let (kind, of) = match *v {
            wasmtime::Val::I32(i) => (V::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: i }),
            wasmtime::Val::I64(i) => (V::WASMPOOL_VALKIND_I64, wasmpool_valunion_t { i64: i }),
            wasmtime::Val::F32(b) => (V::WASMPOOL_VALKIND_F32, wasmpool_valunion_t { f32: f32::from_bits(b) }),
            wasmtime::Val::F64(b) => (V::WASMPOOL_VALKIND_F64, wasmpool_valunion_t { f64: f64::from_bits(b) }),
            wasmtime::Val::V128(x) => {
                (V::WASMPOOL_VALKIND_V128, wasmpool_valunion_t { v128: x.as_u128().to_le_bytes() })
            }
            _ => return Err(Error::invalid("reference values cannot be returned through wasmpool_val_t")),
        };
        Ok(wasmpool_val_t { kind: kind as u32, of })
    }
}
