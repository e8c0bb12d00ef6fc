//! `wasmpool_config_new_server`: a whole configuration derived from one
//! number, the peak number of requests a server handles at once.

use crate::config::{Knobs, MAX_POOL_COUNT, wasmpool_config_t, wasmpool_strategy_t};
use crate::abi;

/// The knobs of the server preset for `max` concurrent instances.
pub(crate) fn server(max: u32) -> Knobs {
    let mut k = Knobs::default();
    let max = max.min(MAX_POOL_COUNT);
    let times = |n: u32| max.saturating_mul(n).min(MAX_POOL_COUNT);
    let p = &mut k.pool;
    p.total_component_instances = max;
    p.total_core_instances = times(16);
    p.total_memories = max;
    p.total_tables = times(4);
    p.total_stacks = max;
    p.total_gc_heaps = max;
    // Measured (tests/guests/MEASUREMENTS.md): a componentize-py component has
    // 14 core instances, componentize-js and C ones 4; each 1 memory and 2
    // tables. The caps leave room for native extension modules; the totals
    // let every instance be a Python one.
    p.max_core_instances_per_component = 64;
    p.max_memories_per_component = 8;
    p.max_tables_per_component = 16;
    p.max_component_instance_size = 4 << 20;
    p.max_unused_warm_slots = (max / 10).max(1);
    p.linear_memory_keep_resident = 1 << 20;
    p.table_keep_resident = 64 << 10;
    p.async_stack_keep_resident = 64 << 10;
    // Resetting warm slots by scanning for dirtied pages instead of madvise
    // avoids a cross-CPU TLB shootdown per request: that is what lets
    // instantiation scale with threads (see bench/REPORT.md).
    p.pagemap_scan = crate::config::wasmpool_enabled_t::WASMPOOL_ENABLED_AUTO;
    k.engine.strategy = wasmpool_strategy_t::WASMPOOL_STRATEGY_AUTO;
    // Guests on fiber stacks from the pool, as Spin and `wasmtime serve` run them: the stacks
    // above then bound the requests in guest code, and a wasi:http request is served on the
    // calling thread alone (a synchronous engine's response is read on another thread;
    // src/http/handle.rs), about three times faster per request.
    k.engine.async_support = true;
    k
}

/// A configuration for a server that runs up to `max_instances` instances
/// at once (one per request). Every total is derived from that number:
///
/// | knob                               | value                        |
/// |------------------------------------|------------------------------|
/// | `total_component_instances`        | max_instances                |
/// | `total_core_instances`             | 16 x max_instances           |
/// | `total_memories`                   | max_instances                |
/// | `total_tables`                     | 4 x max_instances            |
/// | `total_stacks`                     | max_instances                |
/// | `total_gc_heaps`                   | max_instances                |
/// | `max_core_instances_per_component` | 64                           |
/// | `max_memories_per_component`       | 8                            |
/// | `max_tables_per_component`         | 16                           |
/// | `max_component_instance_size`      | 4 MiB                        |
/// | `max_unused_warm_slots` (N)        | max(1, max_instances / 10)   |
/// | `linear_memory_keep_resident`      | 1 MiB                        |
/// | `table_keep_resident`              | 64 KiB                       |
/// | `async_stack_keep_resident`        | 64 KiB                       |
/// | `pagemap_scan`                     | `WASMPOOL_ENABLED_AUTO`      |
/// | `strategy`                         | `WASMPOOL_STRATEGY_AUTO`     |
/// | `async_support`                    | true                         |
///
/// `async_support`: every instantiation and call runs on a fiber stack from
/// the pool (the C API stays synchronous), as Spin runs guests; the linkers
/// get WASI's async host functions, and `wasmpool_http_handle` serves a
/// request on the calling thread alone. Everything else keeps Wasmtime's defaults (4 GiB reservation per memory,
/// 32 MiB guard, 1 memory and 1 table per module, ...). Every total is capped
/// at 16777216, the largest pool count accepted. Adjust any knob afterwards with its setter or
/// `wasmpool_config_apply_env`. The caller owns the result
/// (`wasmpool_config_delete`); NULL when `max_instances` is 0.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_new_server(max_instances: u32) -> *mut wasmpool_config_t {
    abi::guard_value(std::ptr::null_mut(), || {
        if max_instances == 0 {
            return std::ptr::null_mut();
        }
        abi::into_boxed(wasmpool_config_t { knobs: server(max_instances) })
    })
}
