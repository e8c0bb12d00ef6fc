//! `wasmpool_config_t`: a plain record of every knob, turned into a Wasmtime
//! `Config` only when an engine is built. Keeping our own record (instead of
//! a `wasmtime::Config`) is what makes every knob readable back, lets one
//! config build many engines, and lets the footprint be computed from it.
//!
//! The pooling knobs live in `config_pooling.rs`; the engine-wide knobs here.

use crate::error::{Error, Result, wasmpool_error_t};
use crate::ffi;

/// Which instance allocator an engine uses.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wasmpool_strategy_t {
    /// Wasmtime's pooling allocator: all address space reserved up front,
    /// slots reused across instances. Engine creation fails if the pool
    /// cannot be reserved.
    WASMPOOL_STRATEGY_POOLING = 0,
    /// Every memory and table is mapped when an instance is created and
    /// unmapped when it is dropped.
    WASMPOOL_STRATEGY_ON_DEMAND = 1,
    /// Try pooling with the configured limits; if the host refuses the
    /// reservation (small address space, `ulimit -v`), use on-demand and
    /// record why (`wasmpool_engine_fallback_reason`).
    WASMPOOL_STRATEGY_AUTO = 2,
}

/// A three-way switch for host features (memory protection keys, pagemap scan).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wasmpool_enabled_t {
    /// Never use the feature.
    WASMPOOL_ENABLED_NO = 0,
    /// Use the feature; engine creation fails if the host lacks it.
    WASMPOOL_ENABLED_YES = 1,
    /// Use the feature when the host has it.
    WASMPOOL_ENABLED_AUTO = 2,
}

/// Cranelift optimisation level for compiled modules.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wasmpool_opt_level_t {
    /// No optimisations: fastest compilation.
    WASMPOOL_OPT_LEVEL_NONE = 0,
    /// Optimise for speed (Wasmtime's default).
    WASMPOOL_OPT_LEVEL_SPEED = 1,
    /// Optimise for speed and code size.
    WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE = 2,
}

/// Enum parameters arrive from C as plain integers. Receiving them as a Rust
/// enum would make an out-of-range value undefined behaviour before we could
/// reject it, so exports take these integer aliases instead; cbindgen prints
/// the alias's name, which is the C enum's name, and both are 32-bit.
///
/// cbindgen:ignore
pub(crate) mod raw {
    #![allow(non_camel_case_types)]
    pub type wasmpool_strategy_t = u32;
    pub type wasmpool_enabled_t = u32;
    pub type wasmpool_opt_level_t = u32;
    pub type wasmpool_valkind_t = u32;
    pub type wasmpool_trap_code_t = u32;
}

const _: () = assert!(size_of::<wasmpool_strategy_t>() == size_of::<raw::wasmpool_strategy_t>());
const _: () = assert!(size_of::<wasmpool_enabled_t>() == size_of::<raw::wasmpool_enabled_t>());
const _: () = assert!(size_of::<wasmpool_opt_level_t>() == size_of::<raw::wasmpool_opt_level_t>());

impl wasmpool_strategy_t {
    pub(crate) fn from_raw(v: raw::wasmpool_strategy_t) -> Result<Self> {
        Ok(match v {
            0 => Self::WASMPOOL_STRATEGY_POOLING,
            1 => Self::WASMPOOL_STRATEGY_ON_DEMAND,
            2 => Self::WASMPOOL_STRATEGY_AUTO,
            _ => return Err(Error::invalid(format!("{v} is not a wasmpool_strategy_t"))),
        })
    }
}

impl wasmpool_enabled_t {
    pub(crate) fn from_raw(v: raw::wasmpool_enabled_t) -> Result<Self> {
        Ok(match v {
            0 => Self::WASMPOOL_ENABLED_NO,
            1 => Self::WASMPOOL_ENABLED_YES,
            2 => Self::WASMPOOL_ENABLED_AUTO,
            _ => return Err(Error::invalid(format!("{v} is not a wasmpool_enabled_t"))),
        })
    }

    pub(crate) fn to_wasmtime(self) -> wasmtime::Enabled {
        match self {
            Self::WASMPOOL_ENABLED_NO => wasmtime::Enabled::No,
            Self::WASMPOOL_ENABLED_YES => wasmtime::Enabled::Yes,
            Self::WASMPOOL_ENABLED_AUTO => wasmtime::Enabled::Auto,
        }
    }
}

impl wasmpool_opt_level_t {
    pub(crate) fn from_raw(v: raw::wasmpool_opt_level_t) -> Result<Self> {
        Ok(match v {
            0 => Self::WASMPOOL_OPT_LEVEL_NONE,
            1 => Self::WASMPOOL_OPT_LEVEL_SPEED,
            2 => Self::WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE,
            _ => return Err(Error::invalid(format!("{v} is not a wasmpool_opt_level_t"))),
        })
    }

    fn to_wasmtime(self) -> wasmtime::OptLevel {
        match self {
            Self::WASMPOOL_OPT_LEVEL_NONE => wasmtime::OptLevel::None,
            Self::WASMPOOL_OPT_LEVEL_SPEED => wasmtime::OptLevel::Speed,
            Self::WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE => wasmtime::OptLevel::SpeedAndSize,
        }
    }
}

/// The 23 knobs of Wasmtime's `PoolingAllocationConfig`, with its defaults.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PoolKnobs {
    pub(crate) max_unused_warm_slots: u32,
    pub(crate) decommit_batch_size: usize,
    pub(crate) async_stack_keep_resident: usize,
    pub(crate) linear_memory_keep_resident: usize,
    pub(crate) table_keep_resident: usize,
    pub(crate) total_component_instances: u32,
    pub(crate) max_component_instance_size: usize,
    pub(crate) max_core_instances_per_component: u32,
    pub(crate) max_memories_per_component: u32,
    pub(crate) max_tables_per_component: u32,
    pub(crate) total_memories: u32,
    pub(crate) total_tables: u32,
    pub(crate) total_stacks: u32,
    pub(crate) total_core_instances: u32,
    pub(crate) max_core_instance_size: usize,
    pub(crate) max_tables_per_module: u32,
    pub(crate) table_elements: usize,
    pub(crate) max_memories_per_module: u32,
    pub(crate) max_memory_size: usize,
    pub(crate) memory_protection_keys: wasmpool_enabled_t,
    pub(crate) max_memory_protection_keys: usize,
    pub(crate) total_gc_heaps: u32,
    pub(crate) pagemap_scan: wasmpool_enabled_t,
}

impl Default for PoolKnobs {
    /// Wasmtime 48's documented defaults for `PoolingAllocationConfig`.
    fn default() -> Self {
        PoolKnobs {
            max_unused_warm_slots: 100,
            decommit_batch_size: 1,
            async_stack_keep_resident: 0,
            linear_memory_keep_resident: 0,
            table_keep_resident: 0,
            total_component_instances: 1000,
            max_component_instance_size: 1 << 20,
            max_core_instances_per_component: u32::MAX,
            max_memories_per_component: u32::MAX,
            max_tables_per_component: u32::MAX,
            total_memories: 1000,
            total_tables: 1000,
            total_stacks: 1000,
            total_core_instances: 1000,
            max_core_instance_size: 1 << 20,
            max_tables_per_module: 1,
            table_elements: 20_000,
            max_memories_per_module: 1,
            max_memory_size: 1 << 32,
            memory_protection_keys: wasmpool_enabled_t::WASMPOOL_ENABLED_NO,
            max_memory_protection_keys: 16,
            total_gc_heaps: 1000,
            pagemap_scan: wasmpool_enabled_t::WASMPOOL_ENABLED_NO,
        }
    }
}

/// The largest pool count accepted. Wasmtime keeps a few dozen bytes of
/// bookkeeping per slot in ordinary memory and aborts the process when that
/// allocation fails (4 billion slots need ~120 GB); 16 Mi slots of each kind
/// stay under ~0.5 GB and far above what any address space can hold.
pub(crate) const MAX_POOL_COUNT: u32 = 1 << 24;

/// Rejects a pool count whose bookkeeping would be too large to allocate.
pub(crate) fn pool_count(name: &str, v: u32) -> Result<u32> {
    if v > MAX_POOL_COUNT {
        return Err(Error::invalid(format!(
            "{name} = {v} exceeds {MAX_POOL_COUNT}: Wasmtime keeps per-slot bookkeeping in memory"
        )));
    }
    Ok(v)
}

impl PoolKnobs {
    /// Checks what a setter checks, for knobs that arrived another way
    /// (environment overrides).
    pub(crate) fn validate(&self) -> Result<()> {
        pool_count("total_component_instances", self.total_component_instances)?;
        pool_count("total_memories", self.total_memories)?;
        pool_count("total_tables", self.total_tables)?;
        pool_count("total_stacks", self.total_stacks)?;
        pool_count("total_core_instances", self.total_core_instances)?;
        pool_count("total_gc_heaps", self.total_gc_heaps)?;
        nonzero("decommit_batch_size", self.decommit_batch_size)?;
        Ok(())
    }

    pub(crate) fn to_wasmtime(&self) -> wasmtime::PoolingAllocationConfig {
        let mut p = wasmtime::PoolingAllocationConfig::new();
        // A module cannot hold more memories or tables than the pool has;
        // Wasmtime walks the per-module maximum when it purges a dropped
        // module's slots, so an unbounded value makes that walk take minutes.
        let memories_per_module = self.max_memories_per_module.min(self.total_memories.max(1));
        let tables_per_module = self.max_tables_per_module.min(self.total_tables.max(1));
        p.max_unused_warm_slots(self.max_unused_warm_slots)
            .decommit_batch_size(self.decommit_batch_size)
            .async_stack_keep_resident(self.async_stack_keep_resident)
            .linear_memory_keep_resident(self.linear_memory_keep_resident)
            .table_keep_resident(self.table_keep_resident)
            .total_component_instances(self.total_component_instances)
            .max_component_instance_size(self.max_component_instance_size)
            .max_core_instances_per_component(self.max_core_instances_per_component)
            .max_memories_per_component(self.max_memories_per_component)
            .max_tables_per_component(self.max_tables_per_component)
            .total_memories(self.total_memories)
            .total_tables(self.total_tables)
            .total_stacks(self.total_stacks)
            .total_core_instances(self.total_core_instances)
            .max_core_instance_size(self.max_core_instance_size)
            .max_tables_per_module(tables_per_module)
            .table_elements(self.table_elements)
            .max_memories_per_module(memories_per_module)
            .max_memory_size(self.max_memory_size)
            .memory_protection_keys(self.memory_protection_keys.to_wasmtime())
            .max_memory_protection_keys(self.max_memory_protection_keys)
            .total_gc_heaps(self.total_gc_heaps)
            .pagemap_scan(self.pagemap_scan.to_wasmtime());
        p
    }
}

/// Engine-wide knobs, with Wasmtime 48's defaults for x86-64 / aarch64.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EngineKnobs {
    pub(crate) strategy: wasmpool_strategy_t,
    pub(crate) epoch_interruption: bool,
    pub(crate) epoch_tick_interval_ms: u64,
    pub(crate) consume_fuel: bool,
    pub(crate) max_wasm_stack: usize,
    pub(crate) memory_reservation: u64,
    pub(crate) memory_guard_size: u64,
    pub(crate) memory_init_cow: bool,
    pub(crate) opt_level: wasmpool_opt_level_t,
    pub(crate) slot_wait_timeout_ms: u64,
}

impl Default for EngineKnobs {
    fn default() -> Self {
        EngineKnobs {
            strategy: wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING,
            epoch_interruption: false,
            epoch_tick_interval_ms: 0,
            consume_fuel: false,
            max_wasm_stack: 512 << 10,
            memory_reservation: 1 << 32,
            memory_guard_size: 32 << 20,
            memory_init_cow: true,
            opt_level: wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED,
            slot_wait_timeout_ms: 0,
        }
    }
}

/// Every knob of a wasmpool configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Knobs {
    pub(crate) pool: PoolKnobs,
    pub(crate) engine: EngineKnobs,
}

impl Knobs {
    /// The Wasmtime configuration for these knobs, with the pooling allocator
    /// when `pooling` is true and on-demand allocation otherwise.
    pub(crate) fn to_wasmtime(&self, pooling: bool) -> wasmtime::Config {
        let e = &self.engine;
        let mut c = wasmtime::Config::new();
        c.epoch_interruption(e.epoch_interruption)
            .consume_fuel(e.consume_fuel)
            .max_wasm_stack(e.max_wasm_stack)
            .memory_reservation(e.memory_reservation)
            .memory_guard_size(e.memory_guard_size)
            .memory_init_cow(e.memory_init_cow)
            .cranelift_opt_level(e.opt_level.to_wasmtime());
        if pooling {
            c.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(
                self.pool.to_wasmtime(),
            ));
        } else {
            c.allocation_strategy(wasmtime::InstanceAllocationStrategy::OnDemand);
        }
        c
    }
}

/// A configuration for `wasmpool_engine_new`: every pooling limit, the
/// warm-slot threshold N and the engine-wide settings.
///
/// Create with `wasmpool_config_new`, release with `wasmpool_config_delete`.
/// Engines copy what they need: a config is never consumed, can build any
/// number of engines, and may be deleted or changed right after
/// `wasmpool_engine_new` returns.
///
/// Thread safety: setters need exclusive access; once no thread changes it,
/// any number of threads may read it or build engines from it at once.
pub struct wasmpool_config_t {
    pub(crate) knobs: Knobs,
}

/// A new configuration with Wasmtime's pooling defaults and strategy
/// `WASMPOOL_STRATEGY_POOLING`.
///
/// The caller owns the result and releases it with `wasmpool_config_delete`.
/// Returns NULL only if memory cannot be allocated.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_new() -> *mut wasmpool_config_t {
    ffi::guard_value(std::ptr::null_mut(), || {
        ffi::into_handle(wasmpool_config_t { knobs: Knobs::default() })
    })
}

/// Releases `cfg`. NULL is accepted and ignored. Engines built from `cfg`
/// are unaffected.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_delete(cfg: *mut wasmpool_config_t) {
    ffi::guard_value((), || unsafe { ffi::delete_handle(cfg) })
}

/// Whether this host supports memory protection keys (x86-64 `pku` on Linux),
/// i.e. whether `memory_protection_keys = WASMPOOL_ENABLED_YES` can work.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_memory_protection_keys_available() -> bool {
    ffi::guard_value(false, wasmtime::PoolingAllocationConfig::are_memory_protection_keys_available)
}

/// Applies `apply` to the knobs of `cfg` inside the panic boundary; the body
/// of every `_set` export.
pub(crate) fn set_knob(
    cfg: *mut wasmpool_config_t,
    apply: impl FnOnce(&mut Knobs) -> Result<()>,
) -> *mut wasmpool_error_t {
    ffi::guard(|| apply(&mut ffi::arg_mut(cfg, "cfg")?.knobs))
}

/// Reads a knob of `cfg`, or `fallback` when `cfg` is NULL; the body of
/// every `_get` export.
pub(crate) fn get_knob<T: Copy>(
    cfg: *const wasmpool_config_t,
    fallback: T,
    read: impl FnOnce(&Knobs) -> T,
) -> T {
    ffi::guard_value(fallback, || ffi::opt_ref(cfg).map_or(fallback, |c| read(&c.knobs)))
}

/// Rejects zero where a knob needs at least one.
pub(crate) fn nonzero<T: PartialEq + Default>(name: &str, v: T) -> Result<T> {
    if v == T::default() {
        Err(Error::invalid(format!("{name} must be greater than 0")))
    } else {
        Ok(v)
    }
}

/// Sets the allocation strategy (`WASMPOOL_STRATEGY_POOLING`, the default,
/// `_ON_DEMAND` or `_AUTO`). Errors: INVALID_ARGUMENT for a NULL `cfg` or a
/// value outside the enum.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_strategy_set(
    cfg: *mut wasmpool_config_t,
    value: raw::wasmpool_strategy_t,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.strategy = wasmpool_strategy_t::from_raw(value)?))
}

/// The configured strategy (`WASMPOOL_STRATEGY_POOLING` if `cfg` is NULL).
/// The strategy an engine actually uses is `wasmpool_engine_strategy`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_strategy_get(cfg: *const wasmpool_config_t) -> wasmpool_strategy_t {
    get_knob(cfg, wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING, |k| k.engine.strategy)
}

/// Enables epoch-based interruption (needed for store deadlines). Off by
/// default; costs a few percent of guest speed. Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_epoch_interruption_set(
    cfg: *mut wasmpool_config_t,
    value: bool,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.epoch_interruption = value))
}

/// Whether epoch interruption is enabled (false if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_epoch_interruption_get(cfg: *const wasmpool_config_t) -> bool {
    get_knob(cfg, false, |k| k.engine.epoch_interruption)
}

/// The period, in milliseconds, of the engine's own epoch ticker thread.
/// When epoch interruption is on and this is above 0, each engine runs one
/// thread that advances the epoch every `value` ms (stopped and joined by
/// `wasmpool_engine_delete`), which is what `wasmpool_store_deadline_ms_set`
/// counts in. 0 (the default) starts no thread: the host ticks with
/// `wasmpool_engine_increment_epoch`. Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_epoch_tick_interval_ms_set(
    cfg: *mut wasmpool_config_t,
    value: u64,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.epoch_tick_interval_ms = value))
}

/// The configured ticker period in ms (0 if none or `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_epoch_tick_interval_ms_get(cfg: *const wasmpool_config_t) -> u64 {
    get_knob(cfg, 0, |k| k.engine.epoch_tick_interval_ms)
}

/// Enables fuel metering (needed for store fuel limits). Off by default.
/// Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_consume_fuel_set(
    cfg: *mut wasmpool_config_t,
    value: bool,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.consume_fuel = value))
}

/// Whether fuel metering is enabled (false if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_consume_fuel_get(cfg: *const wasmpool_config_t) -> bool {
    get_knob(cfg, false, |k| k.engine.consume_fuel)
}

/// Maximum bytes of native stack guest code may use before trapping with
/// `WASMPOOL_TRAP_STACK_OVERFLOW` (default 512 KiB). Errors: NULL `cfg`, 0.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_wasm_stack_set(
    cfg: *mut wasmpool_config_t,
    value: usize,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.max_wasm_stack = nonzero("max_wasm_stack", value)?))
}

/// The configured `max_wasm_stack` in bytes (0 if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_max_wasm_stack_get(cfg: *const wasmpool_config_t) -> usize {
    get_knob(cfg, 0, |k| k.engine.max_wasm_stack)
}

/// Bytes of virtual address space reserved for each linear memory (default
/// 4 GiB, which lets 32-bit memories run without bounds checks). Under
/// pooling, `max_memory_size` must not exceed it (checked when the engine is
/// built). Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_reservation_set(
    cfg: *mut wasmpool_config_t,
    value: u64,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.memory_reservation = value))
}

/// The configured memory reservation in bytes (0 if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_reservation_get(cfg: *const wasmpool_config_t) -> u64 {
    get_knob(cfg, 0, |k| k.engine.memory_reservation)
}

/// Bytes of inaccessible guard region after each linear memory (default
/// 32 MiB). Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_guard_size_set(
    cfg: *mut wasmpool_config_t,
    value: u64,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.memory_guard_size = value))
}

/// The configured guard size in bytes (0 if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_guard_size_get(cfg: *const wasmpool_config_t) -> u64 {
    get_knob(cfg, 0, |k| k.engine.memory_guard_size)
}

/// Whether linear memories are initialised copy-on-write from a memory image
/// (default true: instantiation cost independent of data size).
/// Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_init_cow_set(
    cfg: *mut wasmpool_config_t,
    value: bool,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.memory_init_cow = value))
}

/// Whether copy-on-write memory initialisation is enabled (false if `cfg` is
/// NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_memory_init_cow_get(cfg: *const wasmpool_config_t) -> bool {
    get_knob(cfg, false, |k| k.engine.memory_init_cow)
}

/// Cranelift optimisation level (default `WASMPOOL_OPT_LEVEL_SPEED`).
/// Errors: NULL `cfg`, a value outside the enum.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_opt_level_set(
    cfg: *mut wasmpool_config_t,
    value: raw::wasmpool_opt_level_t,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.opt_level = wasmpool_opt_level_t::from_raw(value)?))
}

/// The configured optimisation level (`WASMPOOL_OPT_LEVEL_SPEED` if `cfg` is
/// NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_opt_level_get(cfg: *const wasmpool_config_t) -> wasmpool_opt_level_t {
    get_knob(cfg, wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED, |k| k.engine.opt_level)
}

/// How long an instantiation waits for a free slot when the pool is full,
/// in milliseconds. 0 (the default) fails at once with POOL_EXHAUSTED. Above
/// 0, `wasmpool_instantiate` and `wasmpool_instance_pre_instantiate` block
/// until a store of this engine is deleted and a slot can be taken, or the
/// time is up (then POOL_EXHAUSTED). Waiters are served first come, first
/// served, and a newcomer does not overtake them. Errors: NULL `cfg`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_slot_wait_timeout_ms_set(
    cfg: *mut wasmpool_config_t,
    value: u64,
) -> *mut wasmpool_error_t {
    set_knob(cfg, |k| Ok(k.engine.slot_wait_timeout_ms = value))
}

/// The configured slot wait timeout in ms (0 if `cfg` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_slot_wait_timeout_ms_get(cfg: *const wasmpool_config_t) -> u64 {
    get_knob(cfg, 0, |k| k.engine.slot_wait_timeout_ms)
}
