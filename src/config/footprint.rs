//! `wasmpool_footprint_t`: what a configuration will cost, computed from the
//! config alone, before any engine exists. The arithmetic follows the way
//! Wasmtime 48 lays out its pools (memory slab with guard regions, table
//! slab, stack slab); the test suite checks it against the real growth of
//! the process's address space.

use crate::config::{Knobs, wasmpool_config_t, wasmpool_enabled_t};
use crate::abi::{Error, Result, wasmpool_error_t};
use crate::abi;

/// The cost of a configuration: address space the pools reserve when the
/// engine is created, and memory that unused warm slots can keep resident.
///
/// All figures are bytes. Address space is reserved inaccessible
/// (`PROT_NONE`, no RAM) and only counts against `ulimit -v`, overcommit
/// heuristics and the address-space size; resident figures are RAM.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wasmpool_footprint_t {
    /// The linear-memory pool: `total_memories` slots of
    /// max(`memory_reservation`, `max_memory_size`) + `memory_guard_size`,
    /// plus a leading guard region (fewer with memory protection keys).
    pub memories_reserved: u64,
    /// The table pool: `total_tables` x `table_elements` x 8 bytes, page
    /// rounded.
    pub tables_reserved: u64,
    /// The async stack pool: `total_stacks` x (2 MiB + one guard page).
    pub stacks_reserved: u64,
    /// Instance metadata is not reserved up front (it is allocated per
    /// instance); always 0. See `instances_max`.
    pub instances_reserved: u64,
    /// GC heaps share the linear-memory pool's slots; always 0.
    pub gc_heaps_reserved: u64,
    /// The sum of the `_reserved` fields: the growth of the process's
    /// virtual size when the engine is created.
    pub total_reserved: u64,
    /// Upper bound of instance metadata allocated while the pool is full:
    /// `total_core_instances` x `max_core_instance_size` +
    /// `total_component_instances` x `max_component_instance_size`.
    pub instances_max: u64,
    /// Bytes one unused warm slot set (a memory, a table and a stack) keeps
    /// resident: the three keep-resident sizes, page rounded.
    pub resident_per_warm_slot: u64,
    /// Worst case kept resident by unused warm slots beyond live instances:
    /// min(N, pool size) warm memories, tables and stacks, each keeping its
    /// keep-resident size. Slots freed after a burst of C concurrent
    /// instances may stay warm too, so budget (C + N) x
    /// `resident_per_warm_slot` for a server whose peak concurrency is C.
    pub warm_resident_max: u64,
}

const PAGE: u64 = 4096;
const STACK_SIZE: u64 = 2 << 20;
const TABLE_ELEM_SIZE: u64 = 8;
/// Hardware protection keys usable by Wasmtime (key 0 is the kernel's).
const HARDWARE_PKEYS: u64 = 15;

fn round_up(v: u64) -> Option<u64> {
    v.checked_next_multiple_of(PAGE)
}

fn overflow(what: &str) -> Error {
    Error::invalid(format!("the {what} of this configuration overflows 64 bits"))
}

/// Protection keys the memory pool will stripe with, as Wasmtime decides.
fn stripes_available(knobs: &Knobs) -> u64 {
    let p = &knobs.pool;
    let enabled = match p.memory_protection_keys {
        wasmpool_enabled_t::WASMPOOL_ENABLED_NO => false,
        _ => wasmtime::PoolingAllocationConfig::are_memory_protection_keys_available(),
    };
    if enabled { (p.max_memory_protection_keys as u64).min(HARDWARE_PKEYS) } else { 0 }
}

fn memory_pool_bytes(knobs: &Knobs) -> Option<u64> {
    let (p, e) = (&knobs.pool, &knobs.engine);
    let max_memory = round_up(p.max_memory_size as u64)?;
    let guard = round_up(e.memory_guard_size)?;
    let slots = u64::from(p.total_memories);
    let faulting = round_up(e.memory_reservation)?.max(max_memory).checked_add(guard)?;
    let keys = stripes_available(knobs);
    let slot = if guard == 0 || max_memory == 0 || slots == 0 || keys < 2 {
        faulting
    } else {
        let stripes = faulting.div_ceil(max_memory).min(keys).min(slots);
        round_up((faulting / stripes).max(max_memory))?
    };
    let post_guard = faulting.saturating_sub(slot);
    slot.checked_mul(slots)?.checked_add(guard)?.checked_add(post_guard)
}

pub(crate) fn compute(knobs: &Knobs) -> Result<wasmpool_footprint_t> {
    let p = &knobs.pool;
    let memories_reserved = memory_pool_bytes(knobs).ok_or_else(|| overflow("memory pool"))?;
    let tables_reserved = round_up(TABLE_ELEM_SIZE.saturating_mul(p.table_elements as u64))
        .and_then(|t| t.checked_mul(u64::from(p.total_tables)))
        .ok_or_else(|| overflow("table pool"))?;
    let stacks_reserved = (STACK_SIZE + PAGE) * u64::from(p.total_stacks);
    let total_reserved = memories_reserved
        .checked_add(tables_reserved)
        .and_then(|t| t.checked_add(stacks_reserved))
        .ok_or_else(|| overflow("total reservation"))?;
    let instances_max = u64::from(p.total_core_instances)
        .saturating_mul(p.max_core_instance_size as u64)
        .saturating_add(u64::from(p.total_component_instances).saturating_mul(p.max_component_instance_size as u64));
    let warm = |pool: u32, keep: usize| {
        u64::from(p.max_unused_warm_slots.min(pool)).saturating_mul(round_up(keep as u64).unwrap_or(u64::MAX))
    };
    let keep = |k: usize| round_up(k as u64).unwrap_or(u64::MAX);
    Ok(wasmpool_footprint_t {
        memories_reserved,
        tables_reserved,
        stacks_reserved,
        instances_reserved: 0,
        gc_heaps_reserved: 0,
        total_reserved,
        instances_max,
        resident_per_warm_slot: keep(p.linear_memory_keep_resident)
            .saturating_add(keep(p.table_keep_resident))
            .saturating_add(keep(p.async_stack_keep_resident)),
        warm_resident_max: warm(p.total_memories, p.linear_memory_keep_resident)
            .saturating_add(warm(p.total_tables, p.table_keep_resident))
            .saturating_add(warm(p.total_stacks, p.async_stack_keep_resident)),
    })
}

/// A one-line account of the reservation, for error messages and logs.
pub(crate) fn describe(knobs: &Knobs) -> String {
    match compute(knobs) {
        Ok(f) => format!(
            "the pools need {} bytes of address space (memories {}, tables {}, stacks {})",
            f.total_reserved, f.memories_reserved, f.tables_reserved, f.stacks_reserved
        ),
        Err(e) => e.message,
    }
}

/// Computes what `cfg` will cost once an engine is built from it, without
/// building one, and writes it to `*out`. For `WASMPOOL_STRATEGY_ON_DEMAND`
/// the figures describe the pool that a pooling engine would reserve.
///
/// Errors: INVALID_ARGUMENT (NULL argument, or sizes that overflow 64 bits).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_config_footprint(
    cfg: *const wasmpool_config_t,
    out: *mut wasmpool_footprint_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_ref(cfg, "cfg")?;
        let out = abi::out(out, "out")?;
        out.write(compute(&cfg.knobs)?);
        Ok(())
    })
}
