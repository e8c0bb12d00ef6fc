//! Names given as `(pointer, length)`: the `_n` variants of the exports that
//! take import or export names. WebAssembly names are any UTF-8, NUL
//! included, which a NUL-terminated string cannot carry.

use std::ffi::c_char;

use crate::abi::{self, Error, Result};

/// A required name of `len` bytes at `p` (NULL only when `len` is 0, which
/// is the empty name); must be UTF-8.
pub(crate) fn arg_name<'a>(p: *const c_char, len: usize, what: &str) -> Result<&'a str> {
    let bytes = abi::arg_slice(p.cast::<u8>(), len, what)?;
    abi::utf8(bytes).map_err(|e| Error::invalid(format!("argument `{what}` is not valid UTF-8: {e}")))
}
