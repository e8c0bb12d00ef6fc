//! Components (the component model): compiling and listing (`compiled`),
//! linking C host functions (`linker`), pre-instantiation (`pre`), instances
//! and calls (`instance`, `call`), and the values and types that cross the C
//! boundary.
//!
//! Values cross the C boundary as `wasmpool_component_val_t` trees: the
//! layout is in `val.rs`, the conversions to and from Wasmtime's `Val` in
//! `val_convert.rs` (re-exported by `val`), allocation and freeing of the
//! trees in `val_free.rs`; WIT types in `types.rs`, WAVE text in `wave.rs`.

// Values and types first: cbindgen defines C types in the order the
// exports mention them, and a record field (which holds a value) must be
// met before a value (tests/component_values.rs checks the header).
pub mod types;
pub mod val;
mod val_convert;
mod val_free;
pub mod wave;

pub mod call;
pub mod compiled;
pub mod instance;
pub mod linker;
pub mod pre;
pub mod resource;

#[doc(hidden)]
pub mod testing;
