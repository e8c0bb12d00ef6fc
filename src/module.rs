//! `wasmpool_module_t`: a compiled core WebAssembly module.

use std::borrow::Cow;

use crate::engine::wasmpool_engine_t;
use crate::error::{Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::ffi;

/// A module compiled for one engine. It can be instantiated any number of
/// times, in any store of the same engine.
///
/// Create with `wasmpool_module_new` / `wasmpool_module_new_file`, release
/// with `wasmpool_module_delete` (instances already created stay valid).
///
/// Thread safety: a module may be used from any number of threads at once.
pub struct wasmpool_module_t {
    pub(crate) module: wasmtime::Module,
}

/// Compiles `bytes` (binary or text) for `engine`, telling apart invalid
/// input (COMPILE) from a valid module this pool cannot host (LIMIT_EXCEEDED).
pub(crate) fn compile(engine: &wasmpool_engine_t, bytes: &[u8]) -> Result<wasmpool_module_t> {
    let binary: Cow<'_, [u8]> = wat::parse_bytes(bytes)
        .map_err(|e| Error::new(K::WASMPOOL_ERROR_COMPILE, format!("invalid WebAssembly text: {e}")))?;
    match wasmtime::Module::from_binary(&engine.engine, &binary) {
        Ok(module) => Ok(wasmpool_module_t { module }),
        Err(err) => {
            // The pooling allocator vets every module against its per-module
            // limits when it is compiled, and Wasmtime reports that with an
            // untyped error. A module that validates but still fails under
            // pooling was refused by those limits.
            let valid = wasmtime::Module::validate(&engine.engine, &binary).is_ok();
            let kind = if valid && engine.is_pooling() {
                K::WASMPOOL_ERROR_LIMIT_EXCEEDED
            } else {
                K::WASMPOOL_ERROR_COMPILE
            };
            Err(Error::new(kind, format!("{err:?}")))
        }
    }
}

/// Compiles a module from `len` bytes at `bytes`: the WebAssembly binary
/// format, or the text format (WAT) as UTF-8.
///
/// `engine` and `bytes` are borrowed for the call only. On success `*out`
/// receives a module owned by the caller (`wasmpool_module_delete`); it
/// borrows nothing from `bytes`, and `engine` must outlive it.
///
/// Errors: INVALID_ARGUMENT (NULL `engine` or `out`, NULL `bytes` with
/// `len` > 0); COMPILE (not a valid module); LIMIT_EXCEEDED (valid, but over
/// a per-module limit of the pool: memories, tables, sizes, metadata size).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_new(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let engine = ffi::arg_ref(engine, "engine")?;
        let bytes = ffi::arg_slice(bytes, len, "bytes")?;
        let out = ffi::out(out, "out")?;
        out.write(ffi::into_handle(compile(engine, bytes)?));
        Ok(())
    })
}

/// Compiles the module stored in the file at `path` (binary or text), like
/// `wasmpool_module_new`. `path` is a NUL-terminated UTF-8 path.
///
/// Errors: as `wasmpool_module_new`, plus IO when the file cannot be read.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_new_file(
    engine: *const wasmpool_engine_t,
    path: *const std::ffi::c_char,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let engine = ffi::arg_ref(engine, "engine")?;
        let path = ffi::arg_str(path, "path")?;
        let out = ffi::out(out, "out")?;
        let bytes = std::fs::read(path)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_IO, format!("cannot read `{path}`: {e}")))?;
        out.write(ffi::into_handle(compile(engine, &bytes)?));
        Ok(())
    })
}

/// Releases `module`. NULL is accepted and ignored. Instances created from
/// it are not affected.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_delete(module: *mut wasmpool_module_t) {
    ffi::guard_value((), || unsafe { ffi::delete_handle(module) })
}
