//! The 23 pooling knobs of `wasmpool_config_t`, one `_set` / `_get` pair
//! each, in the order of Wasmtime's `PoolingAllocationConfig`.
//!
//! Every setter: `cfg` must be a live config (NULL is INVALID_ARGUMENT);
//! relations between knobs (e.g. `max_memory_size` <= `memory_reservation`)
//! are checked when the engine is built, as an ENGINE error. Every getter
//! returns 0 (or `WASMPOOL_ENABLED_NO`) when `cfg` is NULL.

use crate::config::{get_knob, nonzero, pool_count, raw, set_knob, wasmpool_config_t, wasmpool_enabled_t};
use crate::error::wasmpool_error_t;

/// The warm-slot threshold N. A slot stays affine to the module that last used it. A new
/// instance takes (1) the most recently used slot affine to its module, else (2) if more than N
/// slots are affine to other modules and unused, the least recently used of them, else (3) a
/// cold slot. N = 0 keeps the set of touched slots at the peak concurrency; a large N keeps up
/// to N extra warm slots (and their resident memory): after a churn at concurrency C, max(N, 1)
/// + C - 1 unused warm slots remain. Deleting a module releases the warm slots affine to it.
/// Pools of 128 slots or more are split by Wasmtime into per-CPU shards (as many as the CPUs,
/// up to 16), each with N / shards of the budget, and a thread allocates from its own shard
/// first: one busy thread then keeps about N / shards warm slots. Default 100. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_unused_warm_slots_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_unused_warm_slots = value))
}

/// The configured `max_unused_warm_slots` (see `wasmpool_config_max_unused_warm_slots_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_unused_warm_slots_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_unused_warm_slots)
}

/// How many slot decommits are queued before they are flushed in one batch (1, the default,
/// flushes each at once). Errors: INVALID_ARGUMENT for a NULL `cfg`, or 0.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_decommit_batch_size_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.decommit_batch_size = nonzero("decommit_batch_size", value)?))
}

/// The configured `decommit_batch_size` (see `wasmpool_config_decommit_batch_size_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_decommit_batch_size_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.decommit_batch_size)
}

/// Bytes at the top of each async stack that are zeroed with memset and kept resident when the
/// stack is returned to the pool, instead of being decommitted. Default 0. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_async_stack_keep_resident_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.async_stack_keep_resident = value))
}

/// The configured `async_stack_keep_resident` (see `wasmpool_config_async_stack_keep_resident_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_async_stack_keep_resident_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.async_stack_keep_resident)
}

/// Bytes at the start of each linear memory that are reset with memset and kept resident when
/// its slot is released, instead of being returned to the kernel. This is the per-slot resident
/// memory R that warm slots retain. Default 0. Errors: INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_linear_memory_keep_resident_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.linear_memory_keep_resident = value))
}

/// The configured `linear_memory_keep_resident` (see `wasmpool_config_linear_memory_keep_resident_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_linear_memory_keep_resident_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.linear_memory_keep_resident)
}

/// Bytes of each table that are reset with memset and kept resident when its slot is released.
/// Default 0. Errors: INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_table_keep_resident_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.table_keep_resident = value))
}

/// The configured `table_keep_resident` (see `wasmpool_config_table_keep_resident_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_table_keep_resident_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.table_keep_resident)
}

/// Maximum number of component instances alive at once across the engine. Default 1000. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`, or above 16777216 (Wasmtime keeps per-slot bookkeeping in
/// memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_component_instances_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_component_instances = pool_count("total_component_instances", value)?))
}

/// The configured `total_component_instances` (see `wasmpool_config_total_component_instances_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_component_instances_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_component_instances)
}

/// Maximum bytes of runtime metadata for one component instance (its own context plus its core
/// instances'). Default 1 MiB. Errors: INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_component_instance_size_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_component_instance_size = value))
}

/// The configured `max_component_instance_size` (see `wasmpool_config_max_component_instance_size_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_component_instance_size_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.max_component_instance_size)
}

/// Maximum core instances one component may contain. Default unlimited (UINT32_MAX). Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_core_instances_per_component_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_core_instances_per_component = value))
}

/// The configured `max_core_instances_per_component` (see `wasmpool_config_max_core_instances_per_component_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_core_instances_per_component_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_core_instances_per_component)
}

/// Maximum linear memories one component may contain. Default unlimited (UINT32_MAX). Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memories_per_component_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_memories_per_component = value))
}

/// The configured `max_memories_per_component` (see `wasmpool_config_max_memories_per_component_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memories_per_component_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_memories_per_component)
}

/// Maximum tables one component may contain. Default unlimited (UINT32_MAX). Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_tables_per_component_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_tables_per_component = value))
}

/// The configured `max_tables_per_component` (see `wasmpool_config_max_tables_per_component_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_tables_per_component_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_tables_per_component)
}

/// Number of linear-memory slots in the pool: the maximum number of memories alive at once.
/// Each slot reserves memory_reservation + memory_guard_size bytes of address space. Default
/// 1000. Errors: INVALID_ARGUMENT for a NULL `cfg`, or above 16777216 (Wasmtime keeps per-slot
/// bookkeeping in memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_memories_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_memories = pool_count("total_memories", value)?))
}

/// The configured `total_memories` (see `wasmpool_config_total_memories_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_memories_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_memories)
}

/// Number of table slots in the pool: the maximum number of tables alive at once. Default 1000.
/// Errors: INVALID_ARGUMENT for a NULL `cfg`, or above 16777216 (Wasmtime keeps per-slot
/// bookkeeping in memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_tables_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_tables = pool_count("total_tables", value)?))
}

/// The configured `total_tables` (see `wasmpool_config_total_tables_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_tables_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_tables)
}

/// Number of async stack slots in the pool. Default 1000. Errors: INVALID_ARGUMENT for a NULL
/// `cfg`, or above 16777216 (Wasmtime keeps per-slot bookkeeping in memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_stacks_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_stacks = pool_count("total_stacks", value)?))
}

/// The configured `total_stacks` (see `wasmpool_config_total_stacks_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_stacks_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_stacks)
}

/// Maximum number of core module instances alive at once across the engine. Default 1000.
/// Errors: INVALID_ARGUMENT for a NULL `cfg`, or above 16777216 (Wasmtime keeps per-slot
/// bookkeeping in memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_core_instances_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_core_instances = pool_count("total_core_instances", value)?))
}

/// The configured `total_core_instances` (see `wasmpool_config_total_core_instances_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_core_instances_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_core_instances)
}

/// Maximum bytes of runtime metadata (the VMContext) for one core instance; a module needing
/// more is rejected with WASMPOOL_ERROR_LIMIT_EXCEEDED. Default 1 MiB. Errors: INVALID_ARGUMENT
/// for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_core_instance_size_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_core_instance_size = value))
}

/// The configured `max_core_instance_size` (see `wasmpool_config_max_core_instance_size_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_core_instance_size_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.max_core_instance_size)
}

/// Maximum tables one core module may define; more is WASMPOOL_ERROR_LIMIT_EXCEEDED. The engine
/// uses at most total_tables of it (the getter returns what was set). Default 1. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_tables_per_module_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_tables_per_module = value))
}

/// The configured `max_tables_per_module` (see `wasmpool_config_max_tables_per_module_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_tables_per_module_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_tables_per_module)
}

/// Maximum elements of any table; a table whose minimum exceeds it is
/// WASMPOOL_ERROR_LIMIT_EXCEEDED, and table.grow stops there. Default 20000. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_table_elements_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.table_elements = value))
}

/// The configured `table_elements` (see `wasmpool_config_table_elements_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_table_elements_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.table_elements)
}

/// Maximum linear memories one core module may define; more is WASMPOOL_ERROR_LIMIT_EXCEEDED.
/// The engine uses at most total_memories of it (the getter returns what was set). Default 1.
/// Errors: INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memories_per_module_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_memories_per_module = value))
}

/// The configured `max_memories_per_module` (see `wasmpool_config_max_memories_per_module_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memories_per_module_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.max_memories_per_module)
}

/// Maximum bytes any linear memory may grow to; a memory whose minimum exceeds it is
/// WASMPOOL_ERROR_LIMIT_EXCEEDED, and memory.grow beyond it returns -1. Must not exceed
/// memory_reservation (checked when the engine is built). Default 4 GiB. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memory_size_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_memory_size = value))
}

/// The configured `max_memory_size` (see `wasmpool_config_max_memory_size_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memory_size_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.max_memory_size)
}

/// Whether memory protection keys (MPK, x86-64 pku) colour the memory pool so slots need no
/// guard regions between them. WASMPOOL_ENABLED_YES fails engine creation where the host lacks
/// MPK (see wasmpool_memory_protection_keys_available). Default WASMPOOL_ENABLED_NO. Errors:
/// INVALID_ARGUMENT for a NULL `cfg`, or a value outside the enum.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_protection_keys_set(
    cfg: *mut wasmpool_config_t,
    value: raw::wasmpool_enabled_t,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.memory_protection_keys = wasmpool_enabled_t::from_raw(value)?))
}

/// The configured `memory_protection_keys` (see `wasmpool_config_memory_protection_keys_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_protection_keys_get(cfg: *const wasmpool_config_t) -> wasmpool_enabled_t {
    get_knob(cfg, wasmpool_enabled_t::WASMPOOL_ENABLED_NO, |k| k.pool.memory_protection_keys)
}

/// Upper bound on the protection keys used when MPK is on (the hardware has 15 usable). Default
/// 16. Errors: INVALID_ARGUMENT for a NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memory_protection_keys_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.max_memory_protection_keys = value))
}

/// The configured `max_memory_protection_keys` (see `wasmpool_config_max_memory_protection_keys_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_memory_protection_keys_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.pool.max_memory_protection_keys)
}

/// Number of GC heap slots in the pool. Default 1000. Errors: INVALID_ARGUMENT for a NULL
/// `cfg`, or above 16777216 (Wasmtime keeps per-slot bookkeeping in memory).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_gc_heaps_set(
    cfg: *mut wasmpool_config_t,
    value: u32,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.total_gc_heaps = pool_count("total_gc_heaps", value)?))
}

/// The configured `total_gc_heaps` (see `wasmpool_config_total_gc_heaps_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_total_gc_heaps_get(cfg: *const wasmpool_config_t) -> u32 {
    get_knob(cfg, 0, |k| k.pool.total_gc_heaps)
}

/// Whether the Linux PAGEMAP_SCAN ioctl (kernel 6.7+) is used to reset only the pages that were
/// touched when a slot is released. WASMPOOL_ENABLED_YES fails engine creation where the kernel
/// lacks it. Default WASMPOOL_ENABLED_NO. Errors: INVALID_ARGUMENT for a NULL `cfg`, or a value
/// outside the enum.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_pagemap_scan_set(
    cfg: *mut wasmpool_config_t,
    value: raw::wasmpool_enabled_t,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.pool.pagemap_scan = wasmpool_enabled_t::from_raw(value)?))
}

/// The configured `pagemap_scan` (see `wasmpool_config_pagemap_scan_set`).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_pagemap_scan_get(cfg: *const wasmpool_config_t) -> wasmpool_enabled_t {
    get_knob(cfg, wasmpool_enabled_t::WASMPOOL_ENABLED_NO, |k| k.pool.pagemap_scan)
}
