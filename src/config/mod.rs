//! `wasmpool_config_t`: a plain record of every knob, turned into a Wasmtime
//! `Config` only when an engine is built. Keeping our own record (instead of
//! a `wasmtime::Config`) is what makes every knob readable back, lets one
//! config build many engines, and lets the footprint be computed from it.
//!
//! The knobs are declared once, in `knobs.rs`; their exports are generated
//! into `exports.rs` from that table.

mod enums;
pub mod env;
pub mod exports;
pub mod footprint;
mod knobs;
pub mod preset;
mod values;

pub use enums::{wasmpool_enabled_t, wasmpool_opt_level_t, wasmpool_profiling_t, wasmpool_strategy_t};
pub use knobs::{KNOBS, KnobInfo};
pub(crate) use knobs::MAX_POOL_COUNT;
pub(crate) use knobs::{KnobId, Knobs};
pub use values::Unit;
pub(crate) use values::KnobValue;

use crate::abi::{self, Boxed, Handle, wasmpool_error_t};

impl Knobs {
    /// Checks every knob against its bounds, for records that did not come
    /// through the setters (a defensive check before an engine is built).
    pub(crate) fn validate(&self) -> abi::Result<()> {
        let mut copy = self.clone();
        KNOBS.iter().try_for_each(|k| k.set(&mut copy, (k.get)(self)))?;
        self.wasm.check_dependencies()
    }

    /// The Wasmtime configuration for these knobs, with the pooling allocator
    /// when `pooling` is true and on-demand allocation otherwise.
    pub(crate) fn to_wasmtime(&self, pooling: bool) -> wasmtime::Config {
        let mut c = wasmtime::Config::new();
        self.engine.apply(&mut c);
        self.wasm.apply(&mut c);
        let e = &self.engine;
        let frames = std::num::NonZeroUsize::new(e.wasm_backtrace_max_frames as usize);
        c.wasm_backtrace_max_frames(if e.wasm_backtrace { frames } else { None });
        c.wasm_backtrace_details(if e.wasm_backtrace_details {
            wasmtime::WasmBacktraceDetails::Enable
        } else {
            wasmtime::WasmBacktraceDetails::Disable
        });
        // Modules defining shared memories instantiate only with this on.
        c.shared_memory(self.wasm.wasm_threads);
        if pooling {
            let mut p = wasmtime::PoolingAllocationConfig::new();
            self.pool.apply(&mut p);
            // A module cannot hold more memories or tables than the pool has;
            // Wasmtime walks the per-module maximum when it purges a dropped
            // module's slots, so an unbounded value makes that walk take minutes.
            p.max_memories_per_module(self.pool.max_memories_per_module.min(self.pool.total_memories.max(1)));
            p.max_tables_per_module(self.pool.max_tables_per_module.min(self.pool.total_tables.max(1)));
            c.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(p));
        } else {
            c.allocation_strategy(wasmtime::InstanceAllocationStrategy::OnDemand);
        }
        c
    }
}

impl knobs::WasmKnobs {
    /// Refuses proposal switches that contradict each other, naming both
    /// knobs, before Wasmtime sees them (it refuses some with its own words
    /// and accepts others it cannot honour).
    fn check_dependencies(&self) -> abi::Result<()> {
        let needs = [
            (self.wasm_relaxed_simd && !self.wasm_simd, "wasm_relaxed_simd", "wasm_simd"),
            (self.wasm_gc && !self.wasm_function_references, "wasm_gc", "wasm_function_references"),
        ];
        match needs.iter().find(|(broken, ..)| *broken) {
            Some((_, on, off)) => Err(abi::Error::new(
                abi::wasmpool_error_kind_t::WASMPOOL_ERROR_ENGINE,
                format!("the configuration turns `{on}` on but `{off}` off, and `{on}` needs `{off}`"),
            )),
            None => Ok(()),
        }
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

impl Handle for wasmpool_config_t {
    type Ownership = Boxed;
}

/// A new configuration with Wasmtime's pooling defaults and strategy
/// `WASMPOOL_STRATEGY_POOLING`.
///
/// The caller owns the result and releases it with `wasmpool_config_delete`.
/// Returns NULL only if memory cannot be allocated.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_config_new() -> *mut wasmpool_config_t {
    abi::guard_value(std::ptr::null_mut(), || abi::into_boxed(wasmpool_config_t { knobs: Knobs::default() }))
}

/// Releases `cfg`. NULL is accepted and ignored. Engines built from `cfg`
/// are unaffected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_config_delete(cfg: *mut wasmpool_config_t) {
    unsafe { abi::delete(cfg) }
}

/// Whether this host supports memory protection keys (x86-64 `pku` on Linux),
/// i.e. whether `memory_protection_keys = WASMPOOL_ENABLED_YES` can work.
#[unsafe(no_mangle)]
pub extern "C" fn wasmpool_memory_protection_keys_available() -> bool {
    abi::guard_value(false, wasmtime::PoolingAllocationConfig::are_memory_protection_keys_available)
}

/// The body of every generated `_set` export: converts the C value, checks
/// it against the knob's bounds and stores it.
pub(crate) fn set_knob<T: KnobValue>(cfg: *mut wasmpool_config_t, id: KnobId, value: T::C) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_mut(cfg, "cfg")?;
        let v = T::from_c(value)?;
        id.info().set(&mut cfg.knobs, v.to_u64())
    })
}

/// The body of every generated `_get` export: the knob's value, or its
/// default when `cfg` is NULL (or on a panic).
pub(crate) fn get_knob<T: KnobValue>(cfg: *const wasmpool_config_t, id: KnobId) -> T {
    let info = id.info();
    let default = || T::from_u64(info.default_value()).expect("defaults fit their type");
    abi::guard_value(default(), || {
        let knobs = abi::opt_ref(cfg).map(|c| &c.knobs);
        knobs.map_or_else(default, |k| T::from_u64((info.get)(k)).expect("stored values fit their type"))
    })
}
