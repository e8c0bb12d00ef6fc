//! The C boundary, used by every export and by nothing else's rules:
//!
//! * [`guard`] / [`guard_value`]: the one panic boundary (a Rust panic never
//!   unwinds into C);
//! * [`ptr`]: the one family of pointer checks (NULL, alignment, UTF-8,
//!   out-parameters written only on success);
//! * [`handle`]: ownership in the types (caller-owned handles are boxed and
//!   have a `_delete`; store-owned ones cannot be freed from Rust by mistake);
//! * [`enums`]: C enums received as integers and converted by one derive;
//! * [`error`]: the error value every fallible export returns, with the
//!   guest backtrace of a trap ([`trace`]).

mod enums;
mod error;
mod guard;
mod handle;
mod host_env;
mod ptr;
mod trace;

pub(crate) use enums::{CEnum, c_enum, raw};
pub use error::{wasmpool_error_kind_t, wasmpool_error_t, wasmpool_trap_code_t};
pub(crate) use error::{Error, HostTrap, Result};
pub(crate) use guard::{guard, guard_value};
pub(crate) use handle::{Boxed, Handle, StoreOwned, delete, into_boxed, into_boxed_with};
pub(crate) use host_env::HostEnv;
pub use host_env::wasmpool_finalizer_t;
pub use trace::wasmpool_trace_frame_t;
pub(crate) use ptr::{OutSlice, arg_fn, arg_mut, arg_ref, arg_slice, arg_str, opt_out, opt_ref, out, out_slice, utf8, write_nth};
