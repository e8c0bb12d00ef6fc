//! `wasmpool_wasi_config_t`: what a WASI guest sees (arguments, environment,
//! stdio, preopened directories, network), written once by the host and
//! copied into each store by `wasmpool_store_wasi_set`.

use std::ffi::c_char;
use std::path::PathBuf;

use bytes::Bytes;

use crate::abi::{self, Boxed, CEnum, Error, Handle, Result, raw, wasmpool_error_kind_t as K, wasmpool_error_t};

/// What a preopened directory lets the guest do.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_wasi_perms_t {
    /// List, stat and read; every write, create, rename or delete fails in
    /// the guest (`EPERM`/`EACCES`-like WASI errors, never a trap).
    WASMPOOL_WASI_PERMS_READ_ONLY = 0,
    /// Read and write files and directories below the preopen.
    WASMPOOL_WASI_PERMS_READ_WRITE = 1,
}
abi::c_enum!(wasmpool_wasi_perms_t, "WASMPOOL_WASI_PERMS_");

/// Where the guest's stdin comes from.
#[derive(Clone, Debug, Default)]
pub(crate) enum Input {
    /// End of file at once.
    #[default]
    Empty,
    Bytes(Bytes),
    Inherit,
}

/// Where the guest's stdout or stderr goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Output {
    #[default]
    Discard,
    /// Into a per-store buffer of at most this many bytes.
    Capture(usize),
    Inherit,
}

#[derive(Clone, Debug)]
pub(crate) struct Preopen {
    pub(crate) host: PathBuf,
    pub(crate) guest: String,
    pub(crate) perms: wasmpool_wasi_perms_t,
}

/// A WASI configuration: what `wasmpool_store_wasi_set` gives each store.
///
/// Create with `wasmpool_wasi_config_new` (no arguments, no environment,
/// empty stdin, stdout and stderr discarded, no preopened directory, no
/// network; the host's clocks and random numbers), change with the
/// `wasmpool_wasi_config_*` setters, release with
/// `wasmpool_wasi_config_delete` (stores it was copied into keep their copy).
///
/// Thread safety: setters need exclusive access; once set up, one config may
/// be copied into stores on several threads at once.
#[derive(Clone, Debug, Default)]
pub struct wasmpool_wasi_config_t {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) inherit_env: bool,
    pub(crate) stdin: Input,
    pub(crate) stdout: Output,
    pub(crate) stderr: Output,
    pub(crate) preopens: Vec<Preopen>,
    pub(crate) network: bool,
}

impl Handle for wasmpool_wasi_config_t {
    type Ownership = Boxed;
}

/// The error for a host directory that cannot be preopened, naming it.
pub(crate) fn preopen_error(host: &std::path::Path, why: impl std::fmt::Display) -> Error {
    Error::new(K::WASMPOOL_ERROR_IO, format!("cannot preopen host directory `{}`: {why}", host.display()))
}

/// A new WASI configuration with the defaults listed at
/// `wasmpool_wasi_config_t`. Owned by the caller
/// (`wasmpool_wasi_config_delete`). Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_wasi_config_new() -> *mut wasmpool_wasi_config_t {
    abi::guard_value(std::ptr::null_mut(), || abi::into_boxed(wasmpool_wasi_config_t::default()))
}

/// Releases `cfg`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_delete(cfg: *mut wasmpool_wasi_config_t) {
    unsafe { abi::delete(cfg) }
}

/// Sets the guest's arguments to the `argc` NUL-terminated UTF-8 strings in
/// `argv` (copied), replacing earlier ones. `argv[0]` is the program name the
/// guest sees; `argc` 0 (with `argv` NULL allowed) gives no arguments at all.
/// Errors: INVALID_ARGUMENT (NULL `cfg`, NULL `argv` with `argc` > 0, a NULL
/// or non-UTF-8 string, named by its index); nothing changes on error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_args_set(
    cfg: *mut wasmpool_wasi_config_t,
    argv: *const *const c_char,
    argc: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let argv = abi::arg_slice(argv, argc, "argv")?;
        // The element's name (`argv[i]`) is formatted only for the error: a
        // per-request host sets arguments on every request.
        let args = argv
            .iter()
            .enumerate()
            .map(|(i, &p)| match abi::arg_str(p, "argv") {
                Ok(arg) => Ok(arg.to_owned()),
                Err(_) => abi::arg_str(p, &format!("argv[{i}]")).map(str::to_owned),
            })
            .collect::<Result<Vec<_>>>()?;
        cfg.args = args;
        Ok(())
    })
}

/// Sets the environment variable `name` to `value` (both copied) for the
/// guest, replacing an earlier value of the same name. Set variables win
/// over inherited ones. Errors: INVALID_ARGUMENT (NULL or non-UTF-8
/// argument, an empty name or one containing `=`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_env_set(
    cfg: *mut wasmpool_wasi_config_t,
    name: *const c_char,
    value: *const c_char,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let name = abi::arg_str(name, "name")?;
        let value = abi::arg_str(value, "value")?;
        if name.is_empty() || name.contains('=') {
            return Err(Error::invalid(format!("argument `name` ({name:?}) must be non-empty and contain no `=`")));
        }
        match cfg.env.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_owned(),
            None => cfg.env.push((name.to_owned(), value.to_owned())),
        }
        Ok(())
    })
}

/// Gives the guest the host process's environment (read when
/// `wasmpool_store_wasi_set` runs), under the variables set with
/// `wasmpool_wasi_config_env_set`. Errors: INVALID_ARGUMENT (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_inherit_env(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.inherit_env = true;
        Ok(())
    })
}

/// The guest's stdin reads the `len` bytes at `bytes` (copied), then end of
/// file. `len` 0 (with `bytes` NULL allowed) is an empty stdin, the default.
/// Errors: INVALID_ARGUMENT (NULL `cfg`, NULL `bytes` with `len` > 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stdin_bytes_set(
    cfg: *mut wasmpool_wasi_config_t,
    bytes: *const u8,
    len: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let bytes = abi::arg_slice(bytes, len, "bytes")?;
        cfg.stdin = if bytes.is_empty() { Input::Empty } else { Input::Bytes(Bytes::copy_from_slice(bytes)) };
        Ok(())
    })
}

/// The guest's stdin is the host process's stdin. Errors: INVALID_ARGUMENT
/// (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stdin_inherit(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.stdin = Input::Inherit;
        Ok(())
    })
}

/// Captures what the guest writes to stdout into a buffer of its store, of
/// at most `max_bytes` bytes: the first `max_bytes` bytes are kept, what
/// follows is dropped and counted (`wasmpool_store_wasi_stdout_dropped`);
/// the guest is never stopped or told. Read it with
/// `wasmpool_store_wasi_stdout`. `max_bytes` 0 keeps nothing and only
/// counts. Errors: INVALID_ARGUMENT (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stdout_capture(
    cfg: *mut wasmpool_wasi_config_t,
    max_bytes: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.stdout = Output::Capture(max_bytes);
        Ok(())
    })
}

/// As `wasmpool_wasi_config_stdout_capture`, for stderr
/// (`wasmpool_store_wasi_stderr`, `wasmpool_store_wasi_stderr_dropped`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stderr_capture(
    cfg: *mut wasmpool_wasi_config_t,
    max_bytes: usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.stderr = Output::Capture(max_bytes);
        Ok(())
    })
}

/// The guest's stdout is the host process's stdout. Errors: INVALID_ARGUMENT
/// (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stdout_inherit(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.stdout = Output::Inherit;
        Ok(())
    })
}

/// The guest's stderr is the host process's stderr. Errors: INVALID_ARGUMENT
/// (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stderr_inherit(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.stderr = Output::Inherit;
        Ok(())
    })
}

/// stdin, stdout and stderr all inherited from the host process (as
/// `wasmtime run` does). Errors: INVALID_ARGUMENT (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_stdio_inherit(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        cfg.stdin = Input::Inherit;
        cfg.stdout = Output::Inherit;
        cfg.stderr = Output::Inherit;
        Ok(())
    })
}

/// Lets the guest see the host directory `host_path` as `guest_path` (for
/// example "/data" or "."), with `perms`. The guest cannot leave it: `..`
/// above the preopen, absolute paths outside any preopen and symbolic links
/// pointing out are refused (Wasmtime's WASI resolves every path beneath the
/// preopened directory handle).
///
/// The host path is checked now and opened again by each
/// `wasmpool_store_wasi_set`; both fail with an IO error naming the path if
/// it is missing or not a directory. Errors: INVALID_ARGUMENT (NULL or
/// non-UTF-8 argument, empty `guest_path`, unknown `perms`); IO.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_preopen_dir(
    cfg: *mut wasmpool_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    perms: raw::wasmpool_wasi_perms_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let host = PathBuf::from(abi::arg_str(host_path, "host_path")?);
        let guest = abi::arg_str(guest_path, "guest_path")?;
        let perms = wasmpool_wasi_perms_t::from_c(perms)?;
        if guest.is_empty() {
            return Err(Error::invalid("argument `guest_path` is empty"));
        }
        match std::fs::metadata(&host) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(preopen_error(&host, "not a directory")),
            Err(e) => return Err(preopen_error(&host, e)),
        }
        cfg.preopens.push(Preopen { host, guest: guest.to_owned(), perms });
        Ok(())
    })
}

/// Lets the guest use the host's network (TCP, UDP, name lookup) through
/// WASI sockets. Without it, every socket operation fails in the guest with
/// an access error. Errors: INVALID_ARGUMENT (NULL `cfg`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_wasi_config_network_allow(cfg: *mut wasmpool_wasi_config_t) -> *mut wasmpool_error_t {
    abi::guard(|| {
        abi::arg_mut(cfg, "cfg")?.network = true;
        Ok(())
    })
}
