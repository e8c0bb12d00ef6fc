//! `wasmpool_config_apply_env`: every knob can be overridden from the
//! environment, `<PREFIX><KNOB IN UPPER CASE>`, all or nothing.

use std::ffi::c_char;

use crate::config::{Knobs, wasmpool_config_t, wasmpool_enabled_t, wasmpool_opt_level_t, wasmpool_strategy_t};
use crate::error::{Error, Result, wasmpool_error_t};
use crate::ffi;

type Apply = fn(&mut Knobs, &str) -> std::result::Result<(), String>;

/// A count: a decimal `u32`, or `max` / `unlimited` for UINT32_MAX.
fn count(v: &str) -> std::result::Result<u32, String> {
    match v.to_ascii_lowercase().as_str() {
        "max" | "unlimited" => Ok(u32::MAX),
        s => s.parse::<u32>().map_err(|_| "expected a count (0..4294967295, or `max`)".to_string()),
    }
}

/// A size in bytes: a decimal number with an optional binary suffix
/// (`K`, `KB`, `KiB` = 1024; `M`/`MB`/`MiB`; `G`/`GB`/`GiB`; `T`/`TB`/`TiB`).
fn bytes64(v: &str) -> std::result::Result<u64, String> {
    let v = v.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, suffix) = v.split_at(split);
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err("expected a size such as 65536, 64K, 2MiB or 4G".to_string()),
    };
    let n: u64 = digits.parse().map_err(|_| "expected a size such as 65536, 64K, 2MiB or 4G".to_string())?;
    n.checked_mul(unit).ok_or_else(|| "the size overflows 64 bits".to_string())
}

fn bytes(v: &str) -> std::result::Result<usize, String> {
    usize::try_from(bytes64(v)?).map_err(|_| "the size does not fit in size_t".to_string())
}

fn nonzero_bytes(v: &str) -> std::result::Result<usize, String> {
    match bytes(v)? {
        0 => Err("must be greater than 0".to_string()),
        n => Ok(n),
    }
}

fn ms(v: &str) -> std::result::Result<u64, String> {
    v.trim().parse::<u64>().map_err(|_| "expected milliseconds as a whole number".to_string())
}

fn boolean(v: &str) -> std::result::Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("expected true/false, yes/no, on/off or 1/0".to_string()),
    }
}

fn enabled(v: &str) -> std::result::Result<wasmpool_enabled_t, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(wasmpool_enabled_t::WASMPOOL_ENABLED_YES),
        "no" | "false" | "off" | "0" => Ok(wasmpool_enabled_t::WASMPOOL_ENABLED_NO),
        "auto" => Ok(wasmpool_enabled_t::WASMPOOL_ENABLED_AUTO),
        _ => Err("expected yes, no or auto".to_string()),
    }
}

fn strategy(v: &str) -> std::result::Result<wasmpool_strategy_t, String> {
    match v.trim().to_ascii_lowercase().replace('-', "_").as_str() {
        "pooling" => Ok(wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING),
        "on_demand" | "ondemand" => Ok(wasmpool_strategy_t::WASMPOOL_STRATEGY_ON_DEMAND),
        "auto" => Ok(wasmpool_strategy_t::WASMPOOL_STRATEGY_AUTO),
        _ => Err("expected pooling, on_demand or auto".to_string()),
    }
}

fn opt_level(v: &str) -> std::result::Result<wasmpool_opt_level_t, String> {
    match v.trim().to_ascii_lowercase().replace('-', "_").as_str() {
        "none" | "0" => Ok(wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_NONE),
        "speed" | "2" => Ok(wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED),
        "speed_and_size" | "s" => Ok(wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE),
        _ => Err("expected none, speed or speed_and_size".to_string()),
    }
}

/// One knob: its environment name (after the prefix) and how to apply a
/// value. Generated per field so that the list cannot drift from the names.
macro_rules! knobs {
    ($($name:literal => $parse:ident => $($field:ident).+;)*) => {
        /// Every knob reachable from the environment, in the header's order.
        pub(crate) const KNOBS: &[(&str, Apply)] = &[
            $(($name, |k: &mut Knobs, v: &str| { k.$($field).+ = $parse(v)?; Ok(()) }),)*
        ];
    };
}

knobs! {
    "MAX_UNUSED_WARM_SLOTS" => count => pool.max_unused_warm_slots;
    "DECOMMIT_BATCH_SIZE" => nonzero_bytes => pool.decommit_batch_size;
    "ASYNC_STACK_KEEP_RESIDENT" => bytes => pool.async_stack_keep_resident;
    "LINEAR_MEMORY_KEEP_RESIDENT" => bytes => pool.linear_memory_keep_resident;
    "TABLE_KEEP_RESIDENT" => bytes => pool.table_keep_resident;
    "TOTAL_COMPONENT_INSTANCES" => count => pool.total_component_instances;
    "MAX_COMPONENT_INSTANCE_SIZE" => bytes => pool.max_component_instance_size;
    "MAX_CORE_INSTANCES_PER_COMPONENT" => count => pool.max_core_instances_per_component;
    "MAX_MEMORIES_PER_COMPONENT" => count => pool.max_memories_per_component;
    "MAX_TABLES_PER_COMPONENT" => count => pool.max_tables_per_component;
    "TOTAL_MEMORIES" => count => pool.total_memories;
    "TOTAL_TABLES" => count => pool.total_tables;
    "TOTAL_STACKS" => count => pool.total_stacks;
    "TOTAL_CORE_INSTANCES" => count => pool.total_core_instances;
    "MAX_CORE_INSTANCE_SIZE" => bytes => pool.max_core_instance_size;
    "MAX_TABLES_PER_MODULE" => count => pool.max_tables_per_module;
    "TABLE_ELEMENTS" => bytes => pool.table_elements;
    "MAX_MEMORIES_PER_MODULE" => count => pool.max_memories_per_module;
    "MAX_MEMORY_SIZE" => bytes => pool.max_memory_size;
    "MEMORY_PROTECTION_KEYS" => enabled => pool.memory_protection_keys;
    "MAX_MEMORY_PROTECTION_KEYS" => bytes => pool.max_memory_protection_keys;
    "TOTAL_GC_HEAPS" => count => pool.total_gc_heaps;
    "PAGEMAP_SCAN" => enabled => pool.pagemap_scan;
    "STRATEGY" => strategy => engine.strategy;
    "EPOCH_INTERRUPTION" => boolean => engine.epoch_interruption;
    "EPOCH_TICK_INTERVAL_MS" => ms => engine.epoch_tick_interval_ms;
    "CONSUME_FUEL" => boolean => engine.consume_fuel;
    "MAX_WASM_STACK" => nonzero_bytes => engine.max_wasm_stack;
    "MEMORY_RESERVATION" => bytes64 => engine.memory_reservation;
    "MEMORY_GUARD_SIZE" => bytes64 => engine.memory_guard_size;
    "MEMORY_INIT_COW" => boolean => engine.memory_init_cow;
    "OPT_LEVEL" => opt_level => engine.opt_level;
    "SLOT_WAIT_TIMEOUT_MS" => ms => engine.slot_wait_timeout_ms;
}

/// Applies every `<prefix><KNOB>` variable that is set to a copy of
/// `knobs`; the copy replaces the original only if all of them parse.
pub(crate) fn apply(knobs: &mut Knobs, prefix: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<usize> {
    let mut next = knobs.clone();
    let mut applied = 0;
    for (name, set) in KNOBS {
        let var = format!("{prefix}{name}");
        let Some(value) = lookup(&var) else { continue };
        set(&mut next, &value).map_err(|why| Error::invalid(format!("{var}={value:?}: {why}")))?;
        next.pool.validate().map_err(|e| Error::invalid(format!("{var}={value:?}: {}", e.message)))?;
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
/// Values: counts as decimals (or `max`); sizes as decimals with an optional
/// binary suffix K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (all powers of
/// 1024); switches as true/false, yes/no, on/off, 1/0; `wasmpool_enabled_t`
/// knobs as yes/no/auto; `STRATEGY` as pooling/on_demand/auto; `OPT_LEVEL`
/// as none/speed/speed_and_size; `*_MS` knobs as whole milliseconds.
///
/// All or nothing: if any variable is malformed, the function returns an
/// INVALID_ARGUMENT error naming the variable and its value and `cfg` is
/// unchanged. On success `*applied` (may be NULL) receives how many variables
/// were applied. `prefix` may be empty. Reads the process environment: do
/// not call it while another thread changes the environment.
///
/// Errors: INVALID_ARGUMENT (NULL `cfg` or `prefix`, a malformed value).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_apply_env(
    cfg: *mut wasmpool_config_t,
    prefix: *const c_char,
    applied: *mut usize,
) -> *mut wasmpool_error_t {
    ffi::guard(|| {
        let cfg = ffi::arg_mut(cfg, "cfg")?;
        let prefix = ffi::arg_str(prefix, "prefix")?;
        let count = apply(&mut cfg.knobs, prefix, |var| {
            std::env::var_os(var).map(|v| v.to_string_lossy().into_owned())
        })?;
        if let Some(out) = ffi::opt_out(applied) {
            out.write(count);
        }
        Ok(())
    })
}
