//! PLACEHOLDER until the component value layer lands: scalar values only.

use wasmtime::component::{ResourceAny, Type, Val};

use crate::abi::{self, Error, Handle, StoreOwned};

/// A component value (placeholder layout: kind and a 64-bit payload).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_component_val_t {
    /// The kind.
    pub kind: u32,
    /// The payload.
    pub of: u64,
}

/// A resource handle owned by a store.
pub struct wasmpool_component_resource_t {
    pub(crate) resource: ResourceAny,
}

impl Handle for wasmpool_component_resource_t {
    type Ownership = StoreOwned;
}

pub(crate) fn resource(r: ResourceAny) -> wasmpool_component_resource_t {
    wasmpool_component_resource_t { resource: r }
}

pub(crate) fn zeroed() -> wasmpool_component_val_t {
    wasmpool_component_val_t { kind: 0, of: 0 }
}

pub(crate) fn to_wasmtime(v: &wasmpool_component_val_t, ty: &Type, path: &str) -> abi::Result<Val> {
    Ok(match ty {
        Type::Bool => Val::Bool(v.of != 0),
        Type::U32 => Val::U32(v.of as u32),
        Type::S32 => Val::S32(v.of as i32),
        Type::U64 => Val::U64(v.of),
        _ => return Err(Error::invalid(format!("{path}: unsupported"))),
    })
}

pub(crate) fn from_wasmtime(v: &Val, _adopt: &mut dyn FnMut(ResourceAny) -> *mut wasmpool_component_resource_t) -> wasmpool_component_val_t {
    match v {
        Val::Bool(b) => wasmpool_component_val_t { kind: 0, of: *b as u64 },
        Val::U32(x) => wasmpool_component_val_t { kind: 6, of: *x as u64 },
        Val::S32(x) => wasmpool_component_val_t { kind: 5, of: *x as u64 },
        Val::U64(x) => wasmpool_component_val_t { kind: 8, of: *x },
        _ => zeroed(),
    }
}

/// # Safety
/// `v` was made by `from_wasmtime` or handed over by a host callback.
pub(crate) unsafe fn free_owned(_v: &mut wasmpool_component_val_t) {}
