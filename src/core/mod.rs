//! Core WebAssembly modules: compiling, linking with C host functions,
//! instances, calls, values, and memories, tables and globals (made by the
//! host or exported) with the linking that shares them between instances.

pub mod call;
pub mod caller;
pub mod externs;
pub mod global;
pub mod instance;
pub mod instance_pre;
pub mod linker;
pub mod memory;
pub mod module;
pub mod module_info;
mod refval;
pub mod refs;
pub(crate) mod names;
pub mod table;
pub mod val;
