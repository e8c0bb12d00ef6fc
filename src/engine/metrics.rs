//! `wasmpool_metrics_t`: a snapshot of the pool, cheap enough to poll per
//! request (a handful of relaxed atomic loads and three short locks).

use crate::engine::wasmpool_engine_t;
use crate::abi::{Error, Result, wasmpool_error_t};
use crate::abi;

/// A snapshot of an engine's pool: what is live now, what is warm but unused
/// (and how much memory that keeps resident), and the pool's capacities.
///
/// Versioning: before calling `wasmpool_engine_metrics`, set `struct_size`
/// to `sizeof(wasmpool_metrics_t)`. Fields are only ever added at the end;
/// wasmpool fills the fields that fit in `struct_size` bytes, so a host
/// compiled against an older header keeps working with a newer library.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct wasmpool_metrics_t {
    /// In: the size of the caller's struct, `sizeof(wasmpool_metrics_t)`.
    pub struct_size: usize,
    /// True when the engine uses the pooling allocator. When false (an
    /// on-demand engine) every other field is 0: there is no pool to observe.
    pub pooling: bool,
    /// Live core module instances.
    pub core_instances: u64,
    /// Live component instances.
    pub component_instances: u64,
    /// Live linear memories.
    pub memories: u64,
    /// Live tables.
    pub tables: u64,
    /// Live async stacks.
    pub stacks: u64,
    /// Live GC heaps.
    pub gc_heaps: u64,
    /// Memory slots not in use that were used before (warm, affine to the
    /// module that last used them). Bounded by `max_unused_warm_slots` plus
    /// the peak concurrency.
    pub unused_warm_memories: u64,
    /// Bytes kept resident by unused warm memory slots
    /// (`linear_memory_keep_resident` each, at most).
    pub unused_memory_bytes_resident: u64,
    /// Table slots not in use that were used before.
    pub unused_warm_tables: u64,
    /// Bytes kept resident by unused warm table slots.
    pub unused_table_bytes_resident: u64,
    /// Stack slots not in use that were used before.
    pub unused_warm_stacks: u64,
    /// Bytes kept resident by unused warm stacks (0 when not tracked).
    pub unused_stack_bytes_resident: u64,
    /// Capacity: `total_core_instances` of the engine's config.
    pub total_core_instances: u64,
    /// Capacity: `total_component_instances`.
    pub total_component_instances: u64,
    /// Capacity: `total_memories`.
    pub total_memories: u64,
    /// Capacity: `total_tables`.
    pub total_tables: u64,
    /// Capacity: `total_stacks`.
    pub total_stacks: u64,
    /// Capacity: `total_gc_heaps`.
    pub total_gc_heaps: u64,
}

fn snapshot(engine: &wasmpool_engine_t) -> wasmpool_metrics_t {
    let Some(m) = engine.metrics.as_ref() else {
        return wasmpool_metrics_t::default();
    };
    let p = &engine.knobs.pool;
    let n = |v: usize| v as u64;
    wasmpool_metrics_t {
        struct_size: size_of::<wasmpool_metrics_t>(),
        pooling: true,
        core_instances: m.core_instances(),
        component_instances: m.component_instances(),
        memories: n(m.memories()),
        tables: n(m.tables()),
        stacks: n(m.stacks()),
        gc_heaps: n(m.gc_heaps()),
        unused_warm_memories: m.unused_warm_memories().into(),
        unused_memory_bytes_resident: n(m.unused_memory_bytes_resident()),
        unused_warm_tables: m.unused_warm_tables().into(),
        unused_table_bytes_resident: n(m.unused_table_bytes_resident()),
        unused_warm_stacks: m.unused_warm_stacks().into(),
        unused_stack_bytes_resident: n(m.unused_stack_bytes_resident().unwrap_or(0)),
        total_core_instances: p.total_core_instances.into(),
        total_component_instances: p.total_component_instances.into(),
        total_memories: p.total_memories.into(),
        total_tables: p.total_tables.into(),
        total_stacks: p.total_stacks.into(),
        total_gc_heaps: p.total_gc_heaps.into(),
    }
}

/// The oldest struct size this library accepts: up to and including
/// `unused_memory_bytes_resident`, the fields every host needs.
const MIN_STRUCT_SIZE: usize = std::mem::offset_of!(wasmpool_metrics_t, unused_warm_tables);

fn write_metrics(engine: &wasmpool_engine_t, out: *mut wasmpool_metrics_t) -> Result<()> {
    let out = abi::out(out, "out")?.into_ptr();
    // Only `struct_size` is read: the rest may be uninitialised. It is the
    // first field of a repr(C) struct, so it sits at offset 0.
    // SAFETY: `out` is checked non-NULL and aligned.
    let wanted = unsafe { out.cast::<usize>().read() };
    if wanted < MIN_STRUCT_SIZE {
        return Err(Error::invalid(format!(
            "out->struct_size is {wanted}; set it to sizeof(wasmpool_metrics_t)"
        )));
    }
    let mut snap = snapshot(engine);
    snap.struct_size = wanted;
    let len = wanted.min(size_of::<wasmpool_metrics_t>());
    // SAFETY: the caller declared `wanted` bytes at `out`; we copy at most
    // that many, from a fully initialised value.
    unsafe { std::ptr::copy_nonoverlapping((&raw const snap).cast::<u8>(), out.cast::<u8>(), len) };
    Ok(())
}

/// Fills `*out` with a snapshot of `engine`'s pool.
///
/// `out->struct_size` must be set to `sizeof(wasmpool_metrics_t)` first; the
/// fields that fit in it are written. Safe to call from any thread at any
/// time, also while other threads instantiate; the counters are read one by
/// one, so a snapshot taken during churn may mix neighbouring moments.
///
/// Errors: INVALID_ARGUMENT (NULL `engine` or `out`, `struct_size` too small).
/// On an on-demand engine the call succeeds with `pooling` false.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_metrics(
    engine: *const wasmpool_engine_t,
    out: *mut wasmpool_metrics_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| write_metrics(abi::arg_ref(engine, "engine")?, out))
}
