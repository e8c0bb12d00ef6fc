//! Target (b), [`smith_instantiate`]: a wasm-smith module compiled by an engine
//! with a tight pool, instantiated in up to 5 stores at once, every export used.

use std::collections::HashSet;

use super::*;

/// A tight pool, in a few variants the input picks from; built once per
/// variant and reused across inputs (engine creation dominates otherwise).
struct TightEngine(*mut wasmpool_engine_t);
// SAFETY: an engine may be used from any thread (documented in the header).
unsafe impl Send for TightEngine {}

const VARIANTS: usize = 8;
static TIGHT: Mutex<[Option<TightEngine>; VARIANTS]> = Mutex::new([const { None }; VARIANTS]);

fn tight_engine(variant: usize) -> *mut wasmpool_engine_t {
    let mut engines = TIGHT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = &engines[variant] {
        return e.0;
    }
    let cfg = wasmpool_config_new();
    let set = |name: &str, v: u64| set_knob(cfg, knob(name), v);
    for name in ["total_memories", "total_tables", "total_core_instances", "total_component_instances", "total_stacks", "total_gc_heaps"] {
        set(name, 4);
    }
    set("max_memory_size", 1 << 20);
    set("table_elements", 1000);
    set("max_core_instance_size", 64 << 10);
    set("consume_fuel", 1);
    set("max_wasm_stack", 256 << 10);
    // Variant bits: 4 GiB reservation (guard-page bounds checks, signals) or 1 MiB
    // (explicit checks); keep-resident and N; copy-on-write.
    if variant & 1 == 0 {
        set("memory_reservation", 1 << 20);
        set("memory_guard_size", 64 << 10);
    } else {
        set("memory_reservation", 4 << 30);
        set("memory_guard_size", 32 << 20);
    }
    if variant & 2 != 0 {
        set("linear_memory_keep_resident", 64 << 10);
        set("table_keep_resident", 4 << 10);
        set("max_unused_warm_slots", 1);
    } else {
        set("max_unused_warm_slots", 0);
    }
    set("memory_init_cow", u64::from(variant & 4 == 0));
    set("opt_level", if variant & 4 == 0 { 1 } else { 0 });
    let mut e = null_mut();
    check(unsafe { wasmpool_engine_new(cfg, &mut e) }, "engine_new(tight pool)", &[]);
    unsafe { wasmpool_config_delete(cfg) };
    engines[variant] = Some(TightEngine(e));
    e
}

/// Target (b): a wasm-smith module under a tight pool; the pool has nothing live
/// afterwards.
pub fn smith_instantiate(data: &[u8]) {
    init();
    let mut u = Unstructured::new(data);
    let Ok(variant) = u.int_in_range(0..=VARIANTS - 1) else { return };
    let Ok(with_imports) = u.ratio(1u8, 4u8) else { return };
    let Ok(bytes) = smith_module(&mut u, with_imports) else { return };
    let engine = tight_engine(variant);

    let mut module = null_mut();
    let err = unsafe { wasmpool_module_new(engine, bytes.as_ptr(), bytes.len(), &mut module) };
    if check(err, "module_new(wasm-smith)", &[WASMPOOL_ERROR_COMPILE, WASMPOOL_ERROR_LIMIT_EXCEEDED]).is_some() {
        assert!(module.is_null(), "module_new: out-parameter written on failure");
        assert_pool_empty(engine, "after a refused module");
        return;
    }
    stat(|s| s.modules += 1);
    let (exports, imports) = exports_of(module);

    // With imports: a linker that traps on every function import, pre-linked once.
    let (linker, pre) = if imports > 0 { prelink(engine, module, &mut u) } else { (null_mut(), null_mut()) };

    // Up to 5 stores at once in a pool of 4: the 5th may find it full.
    let nstores = u.int_in_range(1..=5usize).unwrap_or(1);
    let mut stores = Vec::new();
    for _ in 0..nstores {
        stores.push(store_with_instance(engine, module, imports, pre, &mut u));
    }

    // Call every exported function in every instance, with fuel.
    for (store, inst) in &stores {
        if !inst.is_null() {
            use_every_export(*store, *inst, &exports, &mut u);
        }
    }

    // Delete the stores in an order the input picks, then everything else.
    let mut seen = HashSet::new();
    while !stores.is_empty() {
        let i = u.choose_index(stores.len()).unwrap_or(0);
        let (store, _) = stores.swap_remove(i);
        assert!(seen.insert(store as usize));
        unsafe { wasmpool_store_delete(store) };
    }
    unsafe { wasmpool_instance_pre_delete(pre) };
    unsafe { wasmpool_linker_delete(linker) };
    unsafe { wasmpool_module_delete(module) };
    assert_pool_empty(engine, "after a wasm-smith input");
}

/// A linker that traps on every import of `module`, and the module pre-linked
/// with it (NULL if refused); the linker is deleted at once half the time.
fn prelink(
    engine: *mut wasmpool_engine_t,
    module: *mut wasmpool_module_t,
    u: &mut Unstructured,
) -> (*mut wasmpool_linker_t, *mut wasmpool_instance_pre_t) {
    let mut linker = null_mut();
    let mut pre = null_mut();
    check(unsafe { wasmpool_linker_new(engine, &mut linker) }, "linker_new", &[]);
    let err = unsafe { wasmpool_linker_define_unknown_imports_as_traps(linker, module) };
    check(err, "define_unknown_imports_as_traps", LOOKUP);
    if check(unsafe { wasmpool_linker_instantiate_pre(linker, module, &mut pre) }, "instantiate_pre", LOOKUP).is_some() {
        pre = null_mut();
    }
    if u.ratio(1u8, 2u8).unwrap_or(false) {
        unsafe { wasmpool_linker_delete(std::mem::replace(&mut linker, null_mut())) };
    }
    (linker, pre)
}

/// A store (limits as the input says, fuel) and, if it can be made, an instance
/// of `module` in it (through `pre` when the module has imports), else NULL.
fn store_with_instance(
    engine: *mut wasmpool_engine_t,
    module: *mut wasmpool_module_t,
    imports: usize,
    pre: *mut wasmpool_instance_pre_t,
    u: &mut Unstructured,
) -> (*mut wasmpool_store_t, *mut wasmpool_instance_t) {
    let mut store = null_mut();
    check(unsafe { wasmpool_store_new(engine, &mut store) }, "store_new", &[]);
    let mut limits = wasmpool_store_limits_unlimited();
    if u.ratio(1u8, 3u8).unwrap_or(false) {
        limits.memory_size = u.int_in_range(0..=(2usize << 20)).unwrap_or(0);
        limits.table_elements = u.int_in_range(0..=2000usize).unwrap_or(0);
        check(unsafe { wasmpool_store_limits_set(store, &limits) }, "store_limits_set", &[]);
    }
    check(unsafe { wasmpool_store_fuel_set(store, 20_000) }, "store_fuel_set", &[]);
    let mut inst = null_mut();
    let err = if imports > 0 {
        if pre.is_null() {
            return (store, null_mut());
        }
        unsafe { wasmpool_instance_pre_instantiate(pre, store, &mut inst) }
    } else {
        unsafe { wasmpool_instantiate(store, module, &mut inst) }
    };
    if check(err, "instantiate(wasm-smith)", INSTANTIATE).is_none() {
        stat(|s| s.instances += 1);
        assert_pool_sane(engine);
        let consumed = unsafe { wasmpool_store_memory_consumed(store) };
        assert!(consumed <= limits.memory_size.min(1 << 20) * 2 + (2 << 20), "memory consumed {consumed}");
    } else {
        inst = null_mut();
    }
    (store, inst)
}

/// Calls every exported function of `inst` (fresh fuel for each), writes to
/// every exported memory, reads every exported global.
fn use_every_export(
    store: *mut wasmpool_store_t,
    inst: *mut wasmpool_instance_t,
    exports: &Exports,
    u: &mut Unstructured,
) {
    for f in &exports.funcs {
        check(unsafe { wasmpool_store_fuel_set(store, 20_000) }, "store_fuel_set", &[]);
        let mut args = Vec::new();
        for p in &f.params {
            match val(*p, u) {
                Ok(v) => args.push(v),
                Err(_) => args.push(zeroed()),
            }
        }
        let mut res: Vec<wasmpool_val_t> = f.results.iter().map(|_| zeroed()).collect();
        let by_handle = u.ratio(1u8, 2u8).unwrap_or(false);
        let err = call(inst, &f.name, &args, &mut res, by_handle);
        // Only `REF` (continuations) cannot pass; the other reference kinds
        // pass as null arguments (refused for non-nullable parameters).
        let has_ref = f.params.iter().chain(&f.results).any(|k| *k == wasmpool_valkind_t::WASMPOOL_VALKIND_REF as u32);
        let outcome = check(err, "instance_call(wasm-smith)", CALL);
        count_call(outcome);
        if outcome == Some(WASMPOOL_ERROR_LINK) {
            assert!(has_nul_escape(&f.name), "listed function {:?} not found by its name", f.name);
            continue;
        }
        match outcome {
            None => {
                assert!(!has_ref, "a call with reference types succeeded");
                for (r, k) in res.iter().zip(&f.results) {
                    assert_eq!(r.kind, *k, "result kind");
                }
            }
            Some(kind) => {
                if has_ref {
                    assert_eq!(kind, WASMPOOL_ERROR_INVALID_ARGUMENT, "a call with reference types");
                }
            }
        }
    }
    for m in &exports.memories {
        let mut data = null_mut();
        let mut size = 0usize;
        let err = unsafe { wasmpool_instance_memory(inst, m.as_ptr(), &mut data, &mut size) };
        if check(err, "instance_memory", LOOKUP).is_none() && size > 0 {
            // SAFETY: `size` bytes at `data` until the next call into the store.
            unsafe {
                data.write_volatile(0x5A);
                data.add(size - 1).write_volatile(0xA5);
            }
        }
    }
    for g in &exports.globals {
        let mut v: wasmpool_val_t = zeroed();
        let kind = check(unsafe { wasmpool_instance_global_get(inst, g.as_ptr(), &mut v) }, "instance_global_get", LOOKUP);
        // A listed export is found by its listed name, unless the real name has a NUL
        // (listings spell it `\0`, which a C string cannot carry).
        if kind == Some(WASMPOOL_ERROR_LINK) {
            assert!(has_nul_escape(g), "listed global {g:?} not found by its name");
        }
    }
}
