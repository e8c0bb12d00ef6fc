//! The knob table: every configuration knob declared once, with its type,
//! default, bounds, unit and documentation. Everything else is derived from
//! it: the `Knobs` record and its defaults, the checks (setters and
//! environment overrides share one), the mapping onto Wasmtime's config
//! types, the environment table, and — through the generator in
//! `tests/knobs.rs`, which writes and checks committed files — the C exports
//! (`exports.rs`), the fuzz harness's knob list, the C test of every knob and
//! README's knob table.

use crate::abi;
use crate::config::enums::{wasmpool_enabled_t, wasmpool_opt_level_t, wasmpool_profiling_t, wasmpool_strategy_t};
use crate::config::values::{KnobValue, Unit};

/// One knob as the rest of the crate and the generator see it.
pub struct KnobInfo {
    /// The knob's name, as in `wasmpool_config_<name>_set`.
    pub name: &'static str,
    /// `pool` (Wasmtime's `PoolingAllocationConfig`), `engine`, or `wasm`
    /// (the WebAssembly proposal switches).
    pub group: &'static str,
    /// Its documentation (Markdown, one line per source line).
    pub doc: &'static str,
    /// How its number is written and read.
    pub unit: Unit,
    /// The C type of its value.
    pub c_type: &'static str,
    /// The Rust type of its value (the getter's return type).
    pub rust_type: &'static str,
    /// The Rust type of the setter's parameter (enums arrive as integers).
    pub rust_param: &'static str,
    /// The smallest accepted value.
    pub min: u64,
    /// The largest accepted value.
    pub max: u64,
    /// The largest value of the type (above `max`, values are refused).
    pub type_max: u64,
    /// Shows a value for documentation (enum constants by name).
    pub show: fn(u64) -> String,
    pub(crate) get: fn(&Knobs) -> u64,
    pub(crate) store: fn(&mut Knobs, u64),
    pub(crate) parse: fn(&str) -> std::result::Result<u64, String>,
}

impl KnobInfo {
    /// The default value.
    pub fn default_value(&self) -> u64 {
        (self.get)(&Knobs::default())
    }

    /// The environment variable suffix (`TOTAL_MEMORIES`).
    pub fn env_name(&self) -> String {
        self.name.to_ascii_uppercase()
    }

    /// Checks `v` against the bounds and stores it: the one check that
    /// setters and environment overrides share.
    pub(crate) fn set(&self, knobs: &mut Knobs, v: u64) -> abi::Result<()> {
        if v < self.min || v > self.max {
            return Err(abi::Error::invalid(format!(
                "{} = {} is out of range: it must be {} to {}{}",
                self.name,
                (self.show)(v),
                (self.show)(self.min),
                (self.show)(self.max),
                if self.max == u64::from(MAX_POOL_COUNT) { " (Wasmtime keeps per-slot bookkeeping in memory)" } else { "" }
            )));
        }
        (self.store)(knobs, v);
        Ok(())
    }

    /// Parses an environment value of this knob.
    pub(crate) fn parse(&self, text: &str) -> std::result::Result<u64, String> {
        (self.parse)(text)
    }
}

/// The largest pool count accepted. Wasmtime keeps a few dozen bytes of
/// bookkeeping per slot in ordinary memory and aborts the process when that
/// allocation fails (4 billion slots need ~120 GB); 16 Mi slots of each kind
/// stay under ~0.5 GB and far above what any address space can hold.
pub(crate) const MAX_POOL_COUNT: u32 = 1 << 24;

macro_rules! knob_table {
    ($(
        $group:ident: $Group:ident => $Target:ty {
            $(
                $(#[doc = $doc:literal])*
                $name:ident: $ty:ty = $default:expr, $unit:ident
                    $(, range $lo:literal ..= $hi:expr)?
                    $(, wasmtime $method:ident)?;
            )*
        }
    )*) => {
        $(
            /// One group of knobs (generated from the knob table).
            #[derive(Clone, Debug, PartialEq)]
            pub(crate) struct $Group {
                $(pub(crate) $name: $ty,)*
            }

            impl Default for $Group {
                fn default() -> Self {
                    $Group { $($name: $default,)* }
                }
            }

            impl $Group {
                /// Sets the knobs that map one to one onto Wasmtime's setters.
                pub(crate) fn apply(&self, target: &mut $Target) {
                    $($( target.$method(self.$name.into()); )?)*
                }
            }
        )*

        /// Every knob of a configuration.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub(crate) struct Knobs {
            $(pub(crate) $group: $Group,)*
            /// The compilation cache's directory (`wasmpool_config_cache_dir_set`), or
            /// None for no cache: a path, not a number, so the one setting outside the table.
            pub(crate) cache_dir: Option<std::ffi::CString>,
        }

        /// A knob's position in [`KNOBS`], for the generated exports.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        pub(crate) enum KnobId {
            $($($name,)*)*
        }

        /// Every knob, in the order of the header.
        pub static KNOBS: &[KnobInfo] = &[$($(
            KnobInfo {
                name: stringify!($name),
                group: stringify!($group),
                doc: concat!($($doc, "\n",)*),
                unit: Unit::$unit,
                c_type: <$ty as KnobValue>::C_TYPE,
                rust_type: stringify!($ty),
                rust_param: <$ty as KnobValue>::RUST_PARAM,
                min: { let _v = 0u64; $(let _v = $lo;)? _v },
                max: { let _v = <$ty as KnobValue>::MAX; $(let _v = $hi as u64;)? _v },
                type_max: <$ty as KnobValue>::MAX,
                show: |v| <$ty as KnobValue>::show(Unit::$unit, v),
                get: |k| KnobValue::to_u64(k.$group.$name),
                store: |k, v| k.$group.$name = <$ty as KnobValue>::from_u64(v).expect("checked against the bounds"),
                parse: |s| <$ty as KnobValue>::parse(Unit::$unit, s),
            },
        )*)*];
    };
}

knob_table! {
    engine: EngineKnobs => wasmtime::Config {
        /// The allocation strategy: WASMPOOL_STRATEGY_POOLING, _ON_DEMAND or _AUTO. The
        /// strategy an engine actually uses is `wasmpool_engine_strategy`.
        strategy: wasmpool_strategy_t = wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING, Choice;
        /// Epoch-based interruption (needed for store deadlines); costs a few percent of guest
        /// speed.
        epoch_interruption: bool = false, Switch, wasmtime epoch_interruption;
        /// The period, in milliseconds, of the engine's own epoch ticker thread. When epoch
        /// interruption is on and this is above 0, each engine runs one thread that advances the
        /// epoch every `value` ms (stopped and joined by `wasmpool_engine_delete`), which is what
        /// `wasmpool_store_deadline_ms_set` counts in. 0 starts no thread: the host ticks with
        /// `wasmpool_engine_increment_epoch`.
        epoch_tick_interval_ms: u64 = 0, Millis;
        /// Fuel metering (needed for store fuel limits).
        consume_fuel: bool = false, Switch, wasmtime consume_fuel;
        /// Maximum bytes of native stack guest code may use before trapping with
        /// `WASMPOOL_TRAP_STACK_OVERFLOW`.
        max_wasm_stack: usize = 512 << 10, Bytes, range 1 ..= usize::MAX, wasmtime max_wasm_stack;
        /// Bytes of virtual address space reserved for each linear memory (4 GiB lets 32-bit
        /// memories run without bounds checks). Under pooling, `max_memory_size` must not exceed
        /// it (checked when the engine is built).
        memory_reservation: u64 = 1 << 32, Bytes, wasmtime memory_reservation;
        /// Bytes of inaccessible guard region after each linear memory.
        memory_guard_size: u64 = 32 << 20, Bytes, wasmtime memory_guard_size;
        /// Whether linear memories are initialised copy-on-write from a memory image
        /// (instantiation cost independent of data size).
        memory_init_cow: bool = true, Switch, wasmtime memory_init_cow;
        /// Cranelift optimisation level.
        opt_level: wasmpool_opt_level_t = wasmpool_opt_level_t::WASMPOOL_OPT_LEVEL_SPEED, Choice, wasmtime cranelift_opt_level;
        /// How long an instantiation waits for a free slot when the pool is full, in
        /// milliseconds. 0 fails at once with POOL_EXHAUSTED. Above 0, instantiations block
        /// until a store of this engine is deleted and a slot can be taken, or the time is up
        /// (then POOL_EXHAUSTED). Waiters are served first come, first served, and a newcomer
        /// does not overtake them.
        slot_wait_timeout_ms: u64 = 0, Millis;
        /// Runs every instantiation and call on a fiber stack of its own (Wasmtime's async
        /// support). Under pooling the stacks come from the pool (`total_stacks` of them, each
        /// `async_stack_size` bytes, `async_stack_keep_resident` bytes kept warm), so the number
        /// of calls running at once is bounded by the pool (a store keeps the stack of its first
        /// call for its later ones, until it is deleted). The C API stays synchronous: a call
        /// blocks its thread until the guest returns. A call or instantiation that finds no free
        /// stack waits for one as for a slot (`slot_wait_timeout_ms`), else fails with
        /// POOL_EXHAUSTED.
        async_support: bool = false, Switch;
        /// Bytes of each async stack: the guest's stack (`max_wasm_stack`) plus room for the host
        /// functions it calls, so it must be larger than `max_wasm_stack` (checked when the engine
        /// is built).
        async_stack_size: usize = 2 << 20, Bytes, range 1 ..= usize::MAX, wasmtime async_stack_size;
        /// Whether the error of a trap carries the WebAssembly backtrace of the guest frames
        /// it unwound, innermost first (`wasmpool_error_trace_count` / `_frame`): function
        /// index and name, module name and offsets. Capturing walks frame pointers and is
        /// cheap; off, every trace is empty.
        wasm_backtrace: bool = true, Switch;
        /// The most frames a trap's backtrace keeps (the innermost ones), when
        /// `wasm_backtrace` is on.
        wasm_backtrace_max_frames: u32 = 20, Count, range 1 ..= u32::MAX;
        /// Whether compiled modules keep the DWARF debug information of their guest (built
        /// with `-g`) so that each frame of a trap's backtrace names its source file, line
        /// and column. Costs memory per module; Wasmtime's `WASMTIME_BACKTRACE_DETAILS`
        /// environment variable is not read.
        wasm_backtrace_details: bool = false, Switch;
        /// Emits native DWARF debug information for compiled guest code and registers it with
        /// the GDB JIT interface, so that gdb and lldb can show and step through guest
        /// functions. Makes compilation slower and code larger.
        debug_info: bool = false, Switch, wasmtime debug_info;
        /// Tells a profiler about compiled guest code: WASMPOOL_PROFILING_NONE, _PERFMAP
        /// (one line per function in `/tmp/perf-<pid>.map`, which `perf report` reads) or
        /// _JITDUMP (`jit-<pid>.dump` in the current directory, for `perf inject --jit`). A
        /// profiler that cannot start (its file cannot be created) fails engine creation with
        /// an ENGINE error.
        profiling: wasmpool_profiling_t = wasmpool_profiling_t::WASMPOOL_PROFILING_NONE, Choice, wasmtime profiler;
    }
    wasm: WasmKnobs => wasmtime::Config {
        /// The SIMD proposal: the `v128` type and its instructions. Relaxed SIMD needs it (an
        /// engine with `wasm_relaxed_simd` on and this off is refused, an ENGINE error).
        wasm_simd: bool = true, Switch, wasmtime wasm_simd;
        /// The relaxed SIMD proposal: SIMD instructions whose results may differ between hosts
        /// for some inputs. Needs `wasm_simd`.
        wasm_relaxed_simd: bool = true, Switch, wasmtime wasm_relaxed_simd;
        /// The multi-memory proposal: more than one linear memory per module (under pooling,
        /// `max_memories_per_module` still bounds how many).
        wasm_multi_memory: bool = true, Switch, wasmtime wasm_multi_memory;
        /// The memory64 proposal: linear memories and tables indexed by 64-bit addresses.
        wasm_memory64: bool = true, Switch, wasmtime wasm_memory64;
        /// The threads proposal: atomic instructions and shared memories (it spawns no threads).
        /// On, it also lets on-demand engines instantiate modules that define shared memories;
        /// the pooling allocator refuses such modules (LIMIT_EXCEEDED when compiled), while
        /// atomics on ordinary memories work under both.
        wasm_threads: bool = true, Switch, wasmtime wasm_threads;
        /// The tail-call proposal: `return_call` and `return_call_indirect`.
        wasm_tail_call: bool = true, Switch, wasmtime wasm_tail_call;
        /// The garbage collection proposal: struct and array types, `i31ref` and their
        /// instructions. Needs `wasm_function_references` (an engine with this on and that off is
        /// refused, an ENGINE error).
        wasm_gc: bool = true, Switch, wasmtime wasm_gc;
        /// The typed function references proposal: non-nullable and typed function references,
        /// `call_ref`.
        wasm_function_references: bool = true, Switch, wasmtime wasm_function_references;
        /// The exception-handling proposal: tags, `throw`, `try_table` and `exnref`.
        wasm_exceptions: bool = true, Switch, wasmtime wasm_exceptions;
        /// The wide-arithmetic proposal: 128-bit additions and multiplications (`i64.add128`,
        /// `i64.mul_wide_s`, ...).
        wasm_wide_arithmetic: bool = false, Switch, wasmtime wasm_wide_arithmetic;
        /// The custom-page-sizes proposal: memories whose page size is 1 byte instead of 64 KiB.
        wasm_custom_page_sizes: bool = false, Switch, wasmtime wasm_custom_page_sizes;
    }
    pool: PoolKnobs => wasmtime::PoolingAllocationConfig {
        /// The warm-slot threshold N. A slot stays affine to the module that last used it. A new
        /// instance takes (1) the most recently used slot affine to its module, else (2) if more
        /// than N slots are affine to other modules and unused, the least recently used of them,
        /// else (3) a cold slot. N = 0 keeps the set of touched slots at the peak concurrency; a
        /// large N keeps up to N extra warm slots (and their resident memory): after a churn at
        /// concurrency C, max(N, 1) + C - 1 unused warm slots remain. Deleting a module releases
        /// the warm slots affine to it. Pools of 128 slots or more are split by Wasmtime into
        /// per-CPU shards (as many as the CPUs, up to 16), each with N / shards of the budget,
        /// and a thread allocates from its own shard first: one busy thread then keeps about
        /// N / shards warm slots.
        max_unused_warm_slots: u32 = 100, Count, wasmtime max_unused_warm_slots;
        /// How many slot decommits are queued before they are flushed in one batch (1 flushes
        /// each at once).
        decommit_batch_size: usize = 1, Count, range 1 ..= usize::MAX, wasmtime decommit_batch_size;
        /// Bytes at the top of each async stack that are zeroed with memset and kept resident
        /// when the stack is returned to the pool, instead of being decommitted.
        async_stack_keep_resident: usize = 0, Bytes, wasmtime async_stack_keep_resident;
        /// Bytes at the start of each linear memory that are reset with memset and kept resident
        /// when its slot is released, instead of being returned to the kernel. This is the
        /// per-slot resident memory R that warm slots retain.
        linear_memory_keep_resident: usize = 0, Bytes, wasmtime linear_memory_keep_resident;
        /// Bytes of each table that are reset with memset and kept resident when its slot is
        /// released.
        table_keep_resident: usize = 0, Bytes, wasmtime table_keep_resident;
        /// Maximum number of component instances alive at once across the engine.
        total_component_instances: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_component_instances;
        /// Maximum bytes of runtime metadata for one component instance (its own context plus
        /// its core instances').
        max_component_instance_size: usize = 1 << 20, Bytes, wasmtime max_component_instance_size;
        /// Maximum core instances one component may contain.
        max_core_instances_per_component: u32 = u32::MAX, Count, wasmtime max_core_instances_per_component;
        /// Maximum linear memories one component may contain.
        max_memories_per_component: u32 = u32::MAX, Count, wasmtime max_memories_per_component;
        /// Maximum tables one component may contain.
        max_tables_per_component: u32 = u32::MAX, Count, wasmtime max_tables_per_component;
        /// Number of linear-memory slots in the pool: the maximum number of memories alive at
        /// once. Each slot reserves memory_reservation + memory_guard_size bytes of address space.
        total_memories: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_memories;
        /// Number of table slots in the pool: the maximum number of tables alive at once.
        total_tables: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_tables;
        /// Number of async stack slots in the pool.
        total_stacks: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_stacks;
        /// Maximum number of core module instances alive at once across the engine.
        total_core_instances: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_core_instances;
        /// Maximum bytes of runtime metadata (the VMContext) for one core instance; a module
        /// needing more is rejected with WASMPOOL_ERROR_LIMIT_EXCEEDED.
        max_core_instance_size: usize = 1 << 20, Bytes, wasmtime max_core_instance_size;
        /// Maximum tables one core module may define; more is WASMPOOL_ERROR_LIMIT_EXCEEDED. The
        /// engine uses at most total_tables of it (the getter returns what was set).
        max_tables_per_module: u32 = 1, Count, wasmtime max_tables_per_module;
        /// Maximum elements of any table; a table whose minimum exceeds it is
        /// WASMPOOL_ERROR_LIMIT_EXCEEDED, and table.grow stops there.
        table_elements: usize = 20_000, Count, wasmtime table_elements;
        /// Maximum linear memories one core module may define; more is
        /// WASMPOOL_ERROR_LIMIT_EXCEEDED. The engine uses at most total_memories of it (the
        /// getter returns what was set).
        max_memories_per_module: u32 = 1, Count, wasmtime max_memories_per_module;
        /// Maximum bytes any linear memory may grow to; a memory whose minimum exceeds it is
        /// WASMPOOL_ERROR_LIMIT_EXCEEDED, and memory.grow beyond it returns -1. Must not exceed
        /// memory_reservation (checked when the engine is built, an ENGINE error).
        max_memory_size: usize = 1 << 32, Bytes, wasmtime max_memory_size;
        /// Whether memory protection keys (MPK, x86-64 pku) colour the memory pool so slots need
        /// no guard regions between them. WASMPOOL_ENABLED_YES fails engine creation where the
        /// host lacks MPK (see wasmpool_memory_protection_keys_available).
        memory_protection_keys: wasmpool_enabled_t = wasmpool_enabled_t::WASMPOOL_ENABLED_NO, Choice, wasmtime memory_protection_keys;
        /// Upper bound on the protection keys used when MPK is on (the hardware has 15 usable).
        max_memory_protection_keys: usize = 16, Count, wasmtime max_memory_protection_keys;
        /// Number of GC heap slots in the pool.
        total_gc_heaps: u32 = 1000, Count, range 0 ..= MAX_POOL_COUNT, wasmtime total_gc_heaps;
        /// Whether the Linux PAGEMAP_SCAN ioctl (kernel 6.7+) is used to reset only the pages
        /// that were touched when a slot is released. WASMPOOL_ENABLED_YES fails engine creation
        /// where the kernel lacks it.
        pagemap_scan: wasmpool_enabled_t = wasmpool_enabled_t::WASMPOOL_ENABLED_NO, Choice, wasmtime pagemap_scan;
    }
}

impl KnobId {
    /// The table entry of this knob.
    pub(crate) fn info(self) -> &'static KnobInfo {
        &KNOBS[self as usize]
    }
}
