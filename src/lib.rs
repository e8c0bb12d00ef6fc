//! wasmpool: a C ABI over Wasmtime's pooling instance allocator.
//!
//! A folder per family of C handles (as Wasmtime's C API has): `abi/` the
//! boundary every export goes through, `config/` the knob table and what is
//! derived from it, `engine/`, `store/`, `core/` (modules, linkers,
//! instances, calls), `component/` (the component model), `wasi/` (WASI
//! preview 1 for modules, preview 2 for components), `diag/` (trap
//! backtraces, the compilation cache); HTTP gets a room of its own. The C
//! header `include/wasmpool.h` is generated from these sources by cbindgen.
//!
//! Every export that takes a pointer is an `unsafe extern "C" fn`: its
//! contract is the header's (pointers valid for what their documentation
//! says, handles used per their thread-safety notes); the boundary checks
//! everything else (NULL, alignment, UTF-8, ranges) and reports it as an
//! error. Rust code reaches the exports through the flat re-export below;
//! module paths are not the API.

#![deny(unsafe_op_in_unsafe_fn)]
// Exported C types keep their C names (`wasmpool_*_t`).
#![allow(non_camel_case_types)]
// The safety contract of every export is stated once, in the header's
// conventions and each function's ownership notes, not in a `# Safety`
// section per function.
#![allow(clippy::missing_safety_doc)]

/// The system allocator, named so that it stays so: component results hand
/// Rust-made strings to C as `malloc` blocks, which the host frees through
/// `wasmpool_component_val_delete` (or `free`), without a copy.
#[global_allocator]
static ALLOCATOR: std::alloc::System = std::alloc::System;

mod abi;
mod artifact;
mod bytes;
mod component;
mod config;
mod core;
mod diag;
mod engine;
mod error;
mod files;
mod http;
mod store;
mod wasi;

pub use abi::{wasmpool_error_kind_t, wasmpool_error_t, wasmpool_finalizer_t, wasmpool_trace_frame_t, wasmpool_trap_code_t};
pub use bytes::*;
pub use component::call::*;
pub use component::compiled::*;
pub use component::instance::{wasmpool_component_func_t, wasmpool_component_instance_t};
pub use component::linker::*;
pub use component::pre::*;
pub use component::val::*;
pub use component::types::*;
pub use component::wave::*;
#[doc(hidden)]
pub use component::testing as component_testing;
pub use config::env::*;
pub use config::exports::*;
pub use config::footprint::*;
pub use config::preset::*;
pub use config::{KNOBS, KnobInfo, Unit, wasmpool_config_t, wasmpool_enabled_t, wasmpool_opt_level_t, wasmpool_profiling_t, wasmpool_strategy_t};
pub use config::{wasmpool_config_delete, wasmpool_config_new, wasmpool_memory_protection_keys_available};
pub use core::call::*;
pub use core::caller::*;
pub use core::externs::*;
pub use core::global::*;
pub use core::instance::{wasmpool_func_t, wasmpool_instance_t};
pub use core::instance_pre::*;
pub use core::linker::*;
pub use core::memory::*;
pub use core::module::*;
pub use core::table::*;
pub use core::refs::*;
pub use core::module_info::{wasmpool_extern_info_t, wasmpool_externkind_t, wasmpool_module_export, wasmpool_module_export_count, wasmpool_module_import, wasmpool_module_import_count};
pub use core::val::*;
pub use diag::cache::*;
pub use diag::exception::{
    wasmpool_caller_throw, wasmpool_error_exception_payload, wasmpool_error_exception_payload_count, wasmpool_error_exception_tag_is,
    wasmpool_error_exception_tag_is_n,
};
pub use diag::trace::*;
pub use engine::metrics::*;
pub use engine::*;
pub use error::*;
pub use self::http::config::*;
pub use self::http::handle::*;
pub use self::http::message::*;
pub use store::*;
pub use wasi::config::*;
pub use wasi::p1::*;
pub use wasi::p2::*;
pub use wasi::store::*;
