//! The fuzzing harness of wasmpool (see `harness/mod.rs`): one module shared by
//! the cargo-fuzz targets in `fuzz_targets/` and by the smoke test of the normal
//! test suite (`tests/fuzz_smoke.rs` includes `harness/mod.rs` directly).
#![deny(unsafe_op_in_unsafe_fn)]

mod harness;

pub use harness::*;
