//! `wasmpool_module_t`: a compiled core WebAssembly module.

use std::borrow::Cow;
use std::ffi::c_char;
use std::sync::Arc;

use crate::engine::wasmpool_engine_t;
use crate::error::{Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::ffi;
use crate::module_info::ModuleInfo;

/// A module compiled for one engine. It can be instantiated any number of
/// times, in any store of the same engine.
///
/// Create with `wasmpool_module_new` / `wasmpool_module_new_file`, release
/// with `wasmpool_module_delete` (instances already created stay valid).
///
/// Thread safety: a module may be used from any number of threads at once.
pub struct wasmpool_module_t {
    pub(crate) module: wasmtime::Module,
    pub(crate) info: Arc<ModuleInfo>,
}

impl wasmpool_module_t {
    pub(crate) fn new(module: wasmtime::Module) -> Self {
        let info = ModuleInfo::of(&module);
        wasmpool_module_t { module, info }
    }

    pub(crate) fn info(&self) -> Arc<ModuleInfo> {
        Arc::clone(&self.info)
    }
}

/// Compiles `bytes` (binary or text) for `engine`, telling apart invalid
/// input (COMPILE) from a valid module this pool cannot host (LIMIT_EXCEEDED).
pub(crate) fn compile(engine: &wasmpool_engine_t, bytes: &[u8]) -> Result<wasmpool_module_t> {
    let binary: Cow<'_, [u8]> = wat::parse_bytes(bytes)
        .map_err(|e| Error::new(K::WASMPOOL_ERROR_COMPILE, format!("invalid WebAssembly text: {e}")))?;
    match wasmtime::Module::from_binary(&engine.engine, &binary) {
        Ok(module) => Ok(wasmpool_module_t::new(module)),
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
    path: *const c_char,
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

/// An owned byte buffer (a serialised module).
///
/// Read with `wasmpool_bytes_data` / `wasmpool_bytes_len`; release with
/// `wasmpool_bytes_delete`. Plain data: usable from any thread.
pub struct wasmpool_bytes_t {
    bytes: Vec<u8>,
}

/// Serialises `module`'s compiled code to `*out`, to be loaded later with
/// `wasmpool_module_deserialize` by an engine with the same configuration
/// and the same wasmpool/Wasmtime version.
///
/// The buffer is owned by the caller (`wasmpool_bytes_delete`).
/// Errors: INVALID_ARGUMENT (NULL argument); OTHER.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_serialize(
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_bytes_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let module = ffi::arg_ref(module, "module")?;
        let out = ffi::out(out, "out")?;
        let bytes = module.module.serialize().map_err(|e| Error::new(K::WASMPOOL_ERROR_OTHER, format!("{e:?}")))?;
        out.write(ffi::into_handle(wasmpool_bytes_t { bytes }));
        Ok(())
    })
}

/// The first byte of `bytes` (NULL if `bytes` is NULL or empty); valid until
/// `wasmpool_bytes_delete`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_bytes_data(bytes: *const wasmpool_bytes_t) -> *const u8 {
    ffi::guard_value(std::ptr::null(), || {
        ffi::opt_ref(bytes).filter(|b| !b.bytes.is_empty()).map_or(std::ptr::null(), |b| b.bytes.as_ptr())
    })
}

/// The length of `bytes` in bytes (0 if `bytes` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_bytes_len(bytes: *const wasmpool_bytes_t) -> usize {
    ffi::guard_value(0, || ffi::opt_ref(bytes).map_or(0, |b| b.bytes.len()))
}

/// Releases `bytes`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_bytes_delete(bytes: *mut wasmpool_bytes_t) {
    ffi::guard_value((), || unsafe { ffi::delete_handle(bytes) })
}

fn deserialize_error(err: wasmtime::Error) -> Error {
    Error::new(K::WASMPOOL_ERROR_COMPILE, format!("not a usable precompiled module: {err:?}"))
}

/// Loads a module serialised by `wasmpool_module_serialize` from `len` bytes
/// at `bytes` (copied; the buffer may be freed afterwards).
///
/// TRUSTED INPUT ONLY: the bytes contain native machine code that will be
/// run as is. Wasmtime checks the header (format, Wasmtime version, engine
/// configuration) and the structure, so truncated bytes, other versions and
/// other configurations are reported as errors; but bytes crafted or
/// corrupted inside the code sections can execute arbitrary code. Only load
/// what you (or a party you trust) produced and stored safely.
///
/// Errors: INVALID_ARGUMENT (NULL argument); COMPILE (not a compatible
/// precompiled module).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_deserialize(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let engine = ffi::arg_ref(engine, "engine")?;
        let bytes = ffi::arg_slice(bytes, len, "bytes")?;
        let out = ffi::out(out, "out")?;
        // SAFETY: the trust requirement is the caller's, documented above.
        let module = unsafe { wasmtime::Module::deserialize(&engine.engine, bytes) }.map_err(deserialize_error)?;
        out.write(ffi::into_handle(wasmpool_module_t::new(module)));
        Ok(())
    })
}

/// Like `wasmpool_module_deserialize`, from the file at `path` (mapped, not
/// copied: the file must not change while the module lives). TRUSTED INPUT
/// ONLY, as above. Errors: INVALID_ARGUMENT; IO (cannot open the file);
/// COMPILE.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_module_deserialize_file(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let engine = ffi::arg_ref(engine, "engine")?;
        let path = ffi::arg_str(path, "path")?;
        let out = ffi::out(out, "out")?;
        if let Err(e) = std::fs::metadata(path) {
            return Err(Error::new(K::WASMPOOL_ERROR_IO, format!("cannot open `{path}`: {e}")));
        }
        // SAFETY: the trust requirement is the caller's, documented above.
        let module =
            unsafe { wasmtime::Module::deserialize_file(&engine.engine, path) }.map_err(deserialize_error)?;
        out.write(ffi::into_handle(wasmpool_module_t::new(module)));
        Ok(())
    })
}
