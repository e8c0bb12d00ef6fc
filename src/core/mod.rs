//! Core WebAssembly modules: compiling, linking with C host functions,
//! instances, calls, values and what instances export.

pub mod call;
pub mod caller;
pub mod externs;
pub mod instance;
pub mod instance_pre;
pub mod linker;
pub mod module;
pub mod module_info;
mod names;
pub mod val;
