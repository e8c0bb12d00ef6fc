//! Rust-only entry points to the value conversions, for wasmpool's own
//! tests and fuzz targets (which cannot reach `pub(crate)` items). Not API:
//! hidden from the documentation and absent from the C header.

use wasmtime::component::{ResourceAny, Type, Val};

use super::types::wasmpool_component_type_t;
use super::val::{self, wasmpool_component_resource_t, wasmpool_component_val_t};
use crate::abi::wasmpool_error_kind_t;

/// `to_wasmtime`, with the error as (kind, message).
pub fn val_to_wasmtime(
    v: &wasmpool_component_val_t,
    ty: &Type,
    path: &str,
) -> Result<Val, (wasmpool_error_kind_t, String)> {
    val::to_wasmtime(v, ty, path).map_err(|e| (e.kind, e.message))
}

/// `from_wasmtime`.
pub fn val_from_wasmtime(
    v: &Val,
    adopt: &mut dyn FnMut(ResourceAny) -> *mut wasmpool_component_resource_t,
) -> wasmpool_component_val_t {
    val::from_wasmtime(v.clone(), adopt)
}

/// `check_type`, with the error message.
pub fn check_type(ty: &Type, path: &str) -> Result<(), String> {
    val::check_type(ty, path).map_err(|e| e.message)
}

/// A type handle, as a component's function listing makes them.
pub fn new_type(ty: Type) -> wasmpool_component_type_t {
    wasmpool_component_type_t::new(ty)
}

/// A resource handle, as a store makes them (of no store in particular).
pub fn new_resource(resource: ResourceAny) -> wasmpool_component_resource_t {
    wasmpool_component_resource_t::detached(resource)
}

/// The resource inside a handle.
pub fn resource_of(handle: &wasmpool_component_resource_t) -> ResourceAny {
    handle.resource
}
