//! The enums that configuration knobs take.

use crate::abi;

/// Which instance allocator an engine uses.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
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
abi::c_enum!(wasmpool_strategy_t, "WASMPOOL_STRATEGY_");

/// A three-way switch for host features (memory protection keys, pagemap scan).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_enabled_t {
    /// Never use the feature.
    WASMPOOL_ENABLED_NO = 0,
    /// Use the feature; engine creation fails if the host lacks it.
    WASMPOOL_ENABLED_YES = 1,
    /// Use the feature when the host has it.
    WASMPOOL_ENABLED_AUTO = 2,
}
abi::c_enum!(wasmpool_enabled_t, "WASMPOOL_ENABLED_");

/// Cranelift optimisation level for compiled modules.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_opt_level_t {
    /// No optimisations: fastest compilation.
    WASMPOOL_OPT_LEVEL_NONE = 0,
    /// Optimise for speed (Wasmtime's default).
    WASMPOOL_OPT_LEVEL_SPEED = 1,
    /// Optimise for speed and code size.
    WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE = 2,
}
abi::c_enum!(wasmpool_opt_level_t, "WASMPOOL_OPT_LEVEL_");

/// Which profiler Wasmtime feeds with the names and addresses of compiled
/// guest functions (`profiling` knob).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_profiling_t {
    /// No profiler.
    WASMPOOL_PROFILING_NONE = 0,
    /// Appends one line per compiled function to `/tmp/perf-<pid>.map`, which
    /// Linux `perf` reads to name JIT code (`perf record` / `perf report`).
    WASMPOOL_PROFILING_PERFMAP = 1,
    /// Writes `jit-<pid>.dump` in the current directory, with the code of
    /// every compiled function, for `perf inject --jit`.
    WASMPOOL_PROFILING_JITDUMP = 2,
}
abi::c_enum!(wasmpool_profiling_t, "WASMPOOL_PROFILING_");

impl From<wasmpool_profiling_t> for wasmtime::ProfilingStrategy {
    fn from(v: wasmpool_profiling_t) -> Self {
        match v {
            wasmpool_profiling_t::WASMPOOL_PROFILING_NONE => wasmtime::ProfilingStrategy::None,
            wasmpool_profiling_t::WASMPOOL_PROFILING_PERFMAP => wasmtime::ProfilingStrategy::PerfMap,
            wasmpool_profiling_t::WASMPOOL_PROFILING_JITDUMP => wasmtime::ProfilingStrategy::JitDump,
        }
    }
}

impl From<wasmpool_enabled_t> for wasmtime::Enabled {
    fn from(v: wasmpool_enabled_t) -> Self {
        match v {
            wasmpool_enabled_t::WASMPOOL_ENABLED_NO => wasmtime::Enabled::No,
            wasmpool_enabled_t::WASMPOOL_ENABLED_YES => wasmtime::Enabled::Yes,
            wasmpool_enabled_t::WASMPOOL_ENABLED_AUTO => wasmtime::Enabled::Auto,
        }
    }
}

impl From<wasmpool_opt_level_t> for wasmtime::OptLevel {
    fn from(v: wasmpool_opt_level_t) -> Self {
        match v {
            wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_NONE => wasmtime::OptLevel::None,
            wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED => wasmtime::OptLevel::Speed,
            wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED_AND_SIZE => wasmtime::OptLevel::SpeedAndSize,
        }
    }
}
