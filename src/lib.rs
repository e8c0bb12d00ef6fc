//! wasmpool: a C ABI over Wasmtime's pooling instance allocator.
//!
//! Every exported function lives in the file of the handle it serves and
//! goes through the boundary helpers in `ffi.rs`. The C header
//! `include/wasmpool.h` is generated from these sources by cbindgen.

#![deny(unsafe_op_in_unsafe_fn)]
// Exported C types keep their C names (`wasmpool_*_t`).
#![allow(non_camel_case_types)]

pub mod config;
pub mod config_pooling;
pub mod engine;
pub mod env;
pub mod error;
pub mod footprint;
pub mod func;
mod ffi;
#[cfg(feature = "test-hooks")]
pub use ffi::test_hooks;
pub mod instance;
pub mod linker;
pub mod metrics;
pub mod module;
pub mod module_info;
pub mod preset;
mod slots;
pub mod store;
pub mod val;
