//! `wasmpool_module_t`: a compiled core WebAssembly module.

use std::borrow::Cow;
use std::ffi::c_char;
use std::sync::Arc;

use crate::abi::{self, Boxed, Error, Handle, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::bytes::wasmpool_bytes_t;
use crate::files;
use crate::artifact::{self, Artifact};
use crate::core::module_info::ModuleInfo;
use crate::engine::wasmpool_engine_t;

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

impl Handle for wasmpool_module_t {
    type Ownership = Boxed;
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
pub unsafe extern "C" fn wasmpool_module_new(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let bytes = abi::arg_slice(bytes, len, "bytes")?;
        let out = abi::out(out, "out")?;
        out.write(abi::into_boxed(compile(engine, bytes)?));
        Ok(())
    })
}

/// Checks that `len` bytes at `bytes` (binary or text) are a valid module for
/// `engine`'s proposal switches, without compiling it: much cheaper than
/// `wasmpool_module_new`, and nothing is kept.
///
/// Validation covers what the WebAssembly specification and the enabled
/// proposals require; it does not check the pool's per-module limits, so a
/// module that validates may still fail `wasmpool_module_new` with
/// LIMIT_EXCEEDED. `engine` and `bytes` are borrowed for the call only; any
/// thread may validate against an engine at any time.
///
/// Errors: INVALID_ARGUMENT (NULL `engine`, NULL `bytes` with `len` > 0);
/// COMPILE (invalid text, or an invalid module: the message is Wasmtime's,
/// with the offset of the first problem).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_validate(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let bytes = abi::arg_slice(bytes, len, "bytes")?;
        let binary: Cow<'_, [u8]> = wat::parse_bytes(bytes)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_COMPILE, format!("invalid WebAssembly text: {e}")))?;
        wasmtime::Module::validate(&engine.engine, &binary)
            .map_err(|e| Error::new(K::WASMPOOL_ERROR_COMPILE, format!("invalid module: {e:#}")))
    })
}

/// Compiles the module stored in the file at `path` (binary or text), like
/// `wasmpool_module_new`. `path` is a NUL-terminated UTF-8 path.
///
/// Errors: as `wasmpool_module_new`, plus IO when the file cannot be read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_new_file(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let path = abi::arg_str(path, "path")?;
        let out = abi::out(out, "out")?;
        let bytes = files::read(path)?;
        out.write(abi::into_boxed(compile(engine, &bytes)?));
        Ok(())
    })
}

/// Releases `module`. NULL is accepted and ignored. Instances created from
/// it are not affected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_delete(module: *mut wasmpool_module_t) {
    unsafe { abi::delete(module) }
}

/// Serialises `module`'s compiled code to `*out`, to be loaded later with
/// `wasmpool_module_deserialize` by an engine with the same configuration
/// and the same wasmpool/Wasmtime version.
///
/// The buffer is owned by the caller (`wasmpool_bytes_delete`).
/// Errors: INVALID_ARGUMENT (NULL argument); OTHER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_serialize(
    module: *const wasmpool_module_t,
    out: *mut *mut wasmpool_bytes_t,
) -> *mut wasmpool_error_t {
    artifact::serialize(module, out)
}

impl Artifact for wasmpool_module_t {
    const WHAT: &'static str = "module";

    fn serialize(&self) -> wasmtime::Result<Vec<u8>> {
        self.module.serialize()
    }

    unsafe fn deserialize(engine: &wasmtime::Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        // SAFETY: passed on from the caller.
        unsafe { wasmtime::Module::deserialize(engine, bytes) }.map(Self::new)
    }

    unsafe fn deserialize_file(engine: &wasmtime::Engine, path: &str) -> wasmtime::Result<Self> {
        // SAFETY: passed on from the caller.
        unsafe { wasmtime::Module::deserialize_file(engine, path) }.map(Self::new)
    }

    fn load_error(err: wasmtime::Error) -> Error {
        Error::new(K::WASMPOOL_ERROR_COMPILE, format!("not a usable precompiled module: {err:?}"))
    }
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
pub unsafe extern "C" fn wasmpool_module_deserialize(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    // SAFETY: the trust requirement is the caller's, documented above.
    unsafe { artifact::deserialize(engine, bytes, len, out) }
}

/// Like `wasmpool_module_deserialize`, from the file at `path` (mapped, not
/// copied: the file must not change while the module lives). TRUSTED INPUT
/// ONLY, as above. Errors: INVALID_ARGUMENT; IO (cannot open the file);
/// COMPILE.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_deserialize_file(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut wasmpool_module_t,
) -> *mut wasmpool_error_t {
    // SAFETY: the trust requirement is the caller's, documented above.
    unsafe { artifact::deserialize_file(engine, path, out) }
}
