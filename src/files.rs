//! Reading modules and components from files: an error names the path.

use crate::abi::{Error, Result, wasmpool_error_kind_t as K};

/// The bytes of the file at `path`, or an IO error naming it.
pub(crate) fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::new(K::WASMPOOL_ERROR_IO, format!("cannot read `{path}`: {e}")))
}

/// Checks that `path` can be opened before Wasmtime maps it, so that a
/// missing file is an IO error rather than a deserialisation failure.
pub(crate) fn require(path: &str) -> Result<()> {
    std::fs::metadata(path)
        .map(|_| ())
        .map_err(|e| Error::new(K::WASMPOOL_ERROR_IO, format!("cannot open `{path}`: {e}")))
}
