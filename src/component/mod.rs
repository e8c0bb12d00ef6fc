//! Components: values and types (this folder's `val*`, `types`, `wave`),
//! and compiling, linking, instantiating and calling components.
//!
//! Values cross the C boundary as `wasmpool_component_val_t` trees: the
//! layout is in `val.rs`, the conversions to and from Wasmtime's `Val` in
//! `val_convert.rs` (re-exported by `val`), allocation and freeing of the
//! trees wasmpool hands out in `val_free.rs`.

pub mod types;
pub mod val;
mod val_convert;
mod val_free;
pub mod wave;

#[doc(hidden)]
pub mod testing;

// ---- Component compile / link / instantiate / call (owned elsewhere) ----
// pub mod component; pub mod linker; pub mod pre; pub mod instance; pub mod call;
// ---- end ----
