//! Config knobs: every setter with its getter. The table itself is `knobs.rs`
//! (generated, included below); this file has what it is made of ([`Knob`] and
//! the `knob!` macro) and what the harness does with it: [`set_knob`] (the
//! getter must return what the setter accepted) and [`make_affordable`].

use super::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Width {
    U32,
    Usize,
    U64,
    Bool,
    /// An enum with this many valid values (0..n).
    Enum(u32),
}

pub(crate) struct Knob {
    pub(super) name: &'static str,
    pub(super) width: Width,
    pub(super) set: fn(*mut wasmpool_config_t, u64) -> Err,
    pub(super) get: fn(*const wasmpool_config_t) -> u64,
}

/// One row of the knob table: its name, its C type, its setter and its getter.
macro_rules! knob {
    ($name:literal, U32, $set:ident, $get:ident) => {
        Knob {
            name: $name,
            width: Width::U32,
            set: |c, v| unsafe { $set(c, v as u32) },
            get: |c| u64::from(unsafe { $get(c) }),
        }
    };
    ($name:literal, Usize, $set:ident, $get:ident) => {
        Knob {
            name: $name,
            width: Width::Usize,
            set: |c, v| unsafe { $set(c, v as usize) },
            get: |c| unsafe { $get(c) } as u64,
        }
    };
    ($name:literal, U64, $set:ident, $get:ident) => {
        Knob { name: $name, width: Width::U64, set: |c, v| unsafe { $set(c, v) }, get: |c| unsafe { $get(c) } }
    };
    ($name:literal, Bool, $set:ident, $get:ident) => {
        Knob {
            name: $name,
            width: Width::Bool,
            set: |c, v| unsafe { $set(c, v & 1 == 1) },
            get: |c| u64::from(unsafe { $get(c) }),
        }
    };
    ($name:literal, Enum($n:literal), $set:ident, $get:ident) => {
        Knob {
            name: $name,
            width: Width::Enum($n),
            set: |c, v| unsafe { $set(c, v as u32) },
            get: |c| unsafe { $get(c) } as u32 as u64,
        }
    };
}

// `static KNOBS: &[Knob]`, one `knob!` row per knob of the crate, in its order.
include!("knobs.rs");

pub(super) fn knob(name: &str) -> &'static Knob {
    KNOBS.iter().find(|k| k.name == name).unwrap_or_else(|| panic!("no knob {name}"))
}

/// Sets `k` to `value` (as the C caller would pass it) and checks the getter.
pub(super) fn set_knob(cfg: *mut wasmpool_config_t, k: &Knob, value: u64) {
    let passed = match k.width {
        Width::U32 | Width::Enum(_) => value & 0xffff_ffff,
        Width::Usize => value as usize as u64,
        Width::U64 => value,
        Width::Bool => value & 1,
    };
    let before = (k.get)(cfg);
    let what = format!("config_{}_set({passed})", k.name);
    let refused = check((k.set)(cfg, passed), &what, SETTER).is_some();
    let after = (k.get)(cfg);
    if refused {
        assert_eq!(after, before, "{what}: refused, but the getter changed from {before} to {after}");
        if let Width::Enum(n) = k.width {
            assert!(passed >= u64::from(n), "{what}: a valid enum value was refused");
        }
    } else {
        assert_eq!(after, passed, "{what}: accepted, but the getter returns {after}");
        if let Width::Enum(n) = k.width {
            assert!(passed < u64::from(n), "{what}: a value outside the enum was accepted");
        }
    }
}

/// A small pool (a few slots of each kind, 1 MiB memories), for configs that
/// should give an engine.
pub(super) fn set_small_pool(cfg: *mut wasmpool_config_t) {
    for (name, v) in [
        ("total_memories", 4),
        ("total_tables", 4),
        ("total_core_instances", 8),
        ("total_component_instances", 4),
        ("total_stacks", 4),
        ("total_gc_heaps", 4),
        ("memory_reservation", 1 << 20),
        ("max_memory_size", 1 << 20),
        ("memory_guard_size", 64 << 10),
    ] {
        set_knob(cfg, knob(name), v);
    }
}

/// Makes the engine built from `cfg` cheap (see the module docs): called on a
/// fuzzed config right before `wasmpool_engine_new`.
pub(super) fn make_affordable(cfg: *mut wasmpool_config_t) {
    for name in [
        "total_component_instances",
        "total_memories",
        "total_tables",
        "total_stacks",
        "total_core_instances",
        "total_gc_heaps",
    ] {
        let k = knob(name);
        let v = (k.get)(cfg);
        if v > MAX_POOL_COUNT {
            set_knob(cfg, k, v % 17);
        }
    }
    // A fuzzed engine leaves no profiler files behind (a perf map or a jitdump per process).
    set_knob(cfg, knob("profiling"), 0);
    // A single-threaded harness that waits for a slot only wastes time.
    let k = knob("slot_wait_timeout_ms");
    if (k.get)(cfg) > 5 {
        set_knob(cfg, k, (k.get)(cfg) % 3);
    }
    let k = knob("epoch_tick_interval_ms");
    if (k.get)(cfg) > 50 {
        set_knob(cfg, k, 1 + (k.get)(cfg) % 10);
    }
    let reserved = |cfg| {
        let mut fp: wasmpool_footprint_t = zeroed();
        // An overflowing configuration is refused by engine_new at once (ENGINE).
        check(unsafe { wasmpool_config_footprint(cfg, &mut fp) }, "config_footprint", SETTER)
            .map_or(fp.total_reserved, |_| 0)
    };
    if reserved(cfg) > MAX_RESERVED {
        // Keep the relation max_memory_size <= memory_reservation as the input had it.
        let resv = (knob("memory_reservation").get)(cfg);
        let max = (knob("max_memory_size").get)(cfg);
        let new_resv = (resv % (64 << 20)).max(1 << 16);
        set_knob(cfg, knob("memory_reservation"), new_resv);
        if max <= resv {
            set_knob(cfg, knob("max_memory_size"), max.min(new_resv));
        }
        set_knob(cfg, knob("memory_guard_size"), (knob("memory_guard_size").get)(cfg) % (64 << 20));
        set_knob(cfg, knob("table_elements"), (knob("table_elements").get)(cfg) % 100_000);
    }
    if reserved(cfg) > MAX_RESERVED {
        // max_memory_size above the reservation (an ENGINE error anyway) sizes the slots.
        let resv = (knob("memory_reservation").get)(cfg);
        let max = (knob("max_memory_size").get)(cfg);
        set_knob(cfg, knob("max_memory_size"), max.min(resv));
        for name in ["total_memories", "total_tables", "total_stacks"] {
            let k = knob(name);
            set_knob(cfg, k, (k.get)(cfg).min(16));
        }
    }
    let left = reserved(cfg);
    assert!(left <= MAX_RESERVED, "make_affordable: still {left} bytes");
}
