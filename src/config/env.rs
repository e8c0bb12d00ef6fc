//! `wasmpool_config_apply_env`: every knob can be overridden from the
//! environment, `<PREFIX><KNOB IN UPPER CASE>`, all or nothing.

use std::ffi::c_char;

use crate::abi::{self, Error, Result, wasmpool_error_t};
use crate::config::{KNOBS, Knobs, wasmpool_config_t};

/// Applies every `<prefix><KNOB>` variable that is set to a copy of
/// `knobs`; the copy replaces the original only if all of them parse.
pub(crate) fn apply(knobs: &mut Knobs, prefix: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<usize> {
    let mut next = knobs.clone();
    let mut applied = 0;
    for knob in KNOBS {
        let var = format!("{prefix}{}", knob.env_name());
        let Some(value) = lookup(&var) else { continue };
        let bad = |why: String| Error::invalid(format!("{var}={value:?}: {why}"));
        let v = knob.parse(&value).map_err(bad)?;
        knob.set(&mut next, v).map_err(|e| bad(e.message))?;
        applied += 1;
    }
    // The one setting outside the knob table: a path (empty: no cache).
    let var = format!("{prefix}CACHE_DIR");
    if let Some(value) = lookup(&var) {
        next.cache_dir = if value.is_empty() {
            None
        } else {
            let nul = |_| Error::invalid(format!("{var}={value:?}: a path cannot hold a NUL byte"));
            Some(std::ffi::CString::new(value.as_str()).map_err(nul)?)
        };
        applied += 1;
    }
    *knobs = next;
    Ok(applied)
}

/// Overrides knobs of `cfg` from the environment: for each knob, the
/// variable `<prefix><KNOB>` with the knob's name in upper case (for
/// example `MYAPP_TOTAL_MEMORIES=200`, `MYAPP_MAX_MEMORY_SIZE=64MiB`,
/// `MYAPP_STRATEGY=auto`). Unset variables change nothing.
///
/// Values: counts as decimals (or `max`; a size suffix is refused); sizes
/// as decimals with an optional binary suffix K/KB/KiB, M/MB/MiB, G/GB/GiB,
/// T/TB/TiB (all powers of 1024); switches as true/false, yes/no, on/off,
/// 1/0; `wasmpool_enabled_t` knobs as yes/no/auto (or the switch words);
/// `STRATEGY` as pooling/on_demand/auto; `OPT_LEVEL` as
/// none/speed/speed_and_size; `PROFILING` as none/perfmap/jitdump; `*_MS`
/// knobs as whole milliseconds. Each value is checked against the knob's
/// bounds as its setter checks it. `<prefix>CACHE_DIR` sets the compilation
/// cache directory (`wasmpool_config_cache_dir_set`; empty: no cache).
///
/// All or nothing: if any variable is malformed, the function returns an
/// INVALID_ARGUMENT error naming the variable and its value and `cfg` is
/// unchanged. On success `*applied` (may be NULL) receives how many variables
/// were applied. `prefix` may be empty. Reads the process environment: do
/// not call it while another thread changes the environment.
///
/// Errors: INVALID_ARGUMENT (NULL `cfg` or `prefix`, a malformed value).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_config_apply_env(
    cfg: *mut wasmpool_config_t,
    prefix: *const c_char,
    applied: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let prefix = abi::arg_str(prefix, "prefix")?;
        let count = apply(&mut cfg.knobs, prefix, |var| {
            std::env::var_os(var).map(|v| v.to_string_lossy().into_owned())
        })?;
        if let Some(out) = abi::opt_out(applied) {
            out.write(count);
        }
        Ok(())
    })
}
