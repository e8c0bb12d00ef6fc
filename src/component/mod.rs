//! Components (the component model): compiling, listing, linking C host
//! functions, pre-instantiation, instances and calls with component values.

pub mod call;
pub mod compiled;
pub mod instance;
pub mod linker;
pub mod pre;
pub mod val;
