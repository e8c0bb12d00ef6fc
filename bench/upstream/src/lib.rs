//! Re-exports Wasmtime's C API so that this cdylib exports its `wasm_*` and `wasmtime_*`
//! symbols (the same thing Wasmtime's own `c-api/artifact` crate does).
pub use wasmtime_c_api::*;
