//! Diagnostics: the guest backtrace a trap's error carries (`trace`) and the
//! compilation cache (`cache`). The knobs of the rest (`debug_info`,
//! `profiling`, `wasm_backtrace*`) are rows of the knob table.

pub mod cache;
pub mod exception;
pub mod trace;
