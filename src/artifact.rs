//! What modules and components share: compiled code that is serialised to
//! bytes and loaded back (from bytes or a mapped file). The exports of both
//! families are these three functions, once each.

use std::ffi::c_char;

use crate::abi::{self, Boxed, Error, Handle, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::bytes::wasmpool_bytes_t;
use crate::engine::wasmpool_engine_t;
use crate::files;

/// A handle of compiled code (`wasmpool_module_t`, `wasmpool_component_t`).
pub(crate) trait Artifact: Handle<Ownership = Boxed> + Sized {
    /// The handle's argument name in messages: "module", "component".
    const WHAT: &'static str;

    fn serialize(&self) -> wasmtime::Result<Vec<u8>>;

    /// # Safety
    /// `bytes` must come from a trusted serialisation (native code runs as is).
    unsafe fn deserialize(engine: &wasmtime::Engine, bytes: &[u8]) -> wasmtime::Result<Self>;

    /// # Safety
    /// As [`Artifact::deserialize`], and the file must not change while mapped.
    unsafe fn deserialize_file(engine: &wasmtime::Engine, path: &str) -> wasmtime::Result<Self>;

    /// The error for a load that failed.
    fn load_error(err: wasmtime::Error) -> Error;
}

pub(crate) fn serialize<T: Artifact>(artifact: *const T, out: *mut *mut wasmpool_bytes_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let artifact = abi::arg_ref(artifact, T::WHAT)?;
        let out = abi::out(out, "out")?;
        let bytes = artifact.serialize().map_err(|e| Error::new(K::WASMPOOL_ERROR_OTHER, format!("{e:?}")))?;
        out.write(abi::into_boxed(wasmpool_bytes_t::new(bytes)));
        Ok(())
    })
}

/// # Safety
/// The trust requirement of [`Artifact::deserialize`] is the C caller's.
pub(crate) unsafe fn deserialize<T: Artifact>(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut T,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let bytes = abi::arg_slice(bytes, len, "bytes")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the trust requirement is the caller's (documented per export).
        let artifact = unsafe { T::deserialize(&engine.engine, bytes) }.map_err(T::load_error)?;
        out.write(abi::into_boxed(artifact));
        Ok(())
    })
}

/// # Safety
/// The trust requirement of [`Artifact::deserialize_file`] is the C caller's.
pub(crate) unsafe fn deserialize_file<T: Artifact>(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut T,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let path = abi::arg_str(path, "path")?;
        let out = abi::out(out, "out")?;
        files::require(path)?;
        // SAFETY: the trust requirement is the caller's (documented per export).
        let artifact = unsafe { T::deserialize_file(&engine.engine, path) }.map_err(T::load_error)?;
        out.write(abi::into_boxed(artifact));
        Ok(())
    })
}

