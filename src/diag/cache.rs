//! Wasmtime's compilation cache: compiled code stored in a directory, keyed
//! by a hash of the module's bytes, the engine's settings and Wasmtime's
//! version, so that compiling the same module again — in another engine or
//! another process — loads the code instead of compiling it.
//!
//! The directory is part of the configuration record (`Knobs::cache_dir`);
//! it is opened, and a bad one reported, when an engine is built.

use std::ffi::{CStr, CString, c_char};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::abi::{self, Error, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::config::{Knobs, wasmpool_config_t};
use crate::engine::wasmpool_engine_t;

/// What an engine's compilation cache has done so far
/// (`wasmpool_engine_cache_stats`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wasmpool_cache_stats_t {
    /// Compilations answered from the cache (the code was loaded).
    pub hits: usize,
    /// Compilations the cache could not answer: the code was compiled and
    /// then stored in the directory.
    pub misses: usize,
}

/// Opens the cache of `knobs`, if it has a directory: creates the directory
/// (and its parents) when missing and starts Wasmtime's cache worker thread
/// (it prunes old entries in the background). A relative path is taken
/// from the current directory.
pub(crate) fn open(knobs: &Knobs) -> Result<Option<wasmtime::Cache>> {
    let Some(dir) = &knobs.cache_dir else { return Ok(None) };
    let path = Path::new(std::ffi::OsStr::from_bytes(dir.as_bytes()));
    let bad = |why: &dyn std::fmt::Display| {
        Error::new(K::WASMPOOL_ERROR_IO, format!("cannot use `{}` as the compilation cache directory: {why}", path.display()))
    };
    let absolute = std::path::absolute(path).map_err(|e| bad(&e))?;
    let mut config = wasmtime::CacheConfig::new();
    config.with_directory(absolute);
    wasmtime::Cache::new(config).map(Some).map_err(|e| bad(&format_args!("{e:#}")))
}

/// Makes compiled code persist in the directory `dir`: a module or component
/// compiled by an engine built from `cfg` is looked up there first (by a
/// hash of its bytes, the engine's settings and Wasmtime's version) and
/// stored there after compiling, so that the next process compiling it
/// loads it instead. `wasmpool_engine_cache_stats` counts hits and misses.
/// Precompiled artifacts (`_deserialize`) do not use the cache.
///
/// `dir` is a NUL-terminated path, copied; it need not exist: engine creation
/// creates it and its parents, and fails with an IO error naming the path
/// when it cannot (a relative path is resolved against the current directory
/// then). NULL turns the cache off again (the default). Several engines and
/// processes may share one directory. The environment override is
/// `<PREFIX>CACHE_DIR` (see `wasmpool_config_apply_env`).
///
/// Errors: INVALID_ARGUMENT (NULL `cfg`, an empty `dir`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_config_cache_dir_set(cfg: *mut wasmpool_config_t, dir: *const c_char) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        cfg.knobs.cache_dir = match abi::opt_ref(dir) {
            // SAFETY: non-NULL; the caller promises a NUL-terminated string.
            Some(_) => Some(cache_dir(unsafe { CStr::from_ptr(dir) })?),
            None => None,
        };
        Ok(())
    })
}

/// Checks a cache directory given as text (from C or the environment).
pub(crate) fn cache_dir(dir: &CStr) -> Result<CString> {
    if dir.is_empty() {
        return Err(Error::invalid("argument `dir` is an empty path; pass NULL to turn the compilation cache off"));
    }
    Ok(dir.to_owned())
}

/// The cache directory of `cfg` as it was set (not resolved), or NULL when
/// it has none (or `cfg` is NULL). Borrowed from `cfg`: valid until the
/// next `wasmpool_config_cache_dir_set` on it or its deletion.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_config_cache_dir_get(cfg: *const wasmpool_config_t) -> *const c_char {
    abi::guard_value(std::ptr::null(), || {
        abi::opt_ref(cfg).and_then(|c| c.knobs.cache_dir.as_deref()).map_or(std::ptr::null(), CStr::as_ptr)
    })
}

/// Writes to `*out` how many compilations of `engine` its compilation cache
/// answered (`hits`) and could not (`misses`) since the engine was built.
/// Thread-safe.
///
/// Errors: INVALID_ARGUMENT (NULL argument; an engine built without a cache
/// directory, see `wasmpool_config_cache_dir_set`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_cache_stats(
    engine: *const wasmpool_engine_t,
    out: *mut wasmpool_cache_stats_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let out = abi::out(out, "out")?;
        let cache = engine.cache.as_ref().ok_or_else(|| {
            Error::invalid("the engine has no compilation cache; set one with wasmpool_config_cache_dir_set")
        })?;
        out.write(wasmpool_cache_stats_t { hits: cache.cache_hits(), misses: cache.cache_misses() });
        Ok(())
    })
}
