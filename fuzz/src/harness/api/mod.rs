//! Target (a), [`api_sequence`]: a sequence of C API calls decided by the
//! input. This file holds the objects the sequence has made ([`Api`]), the
//! dispatch from an input byte to one operation ([`Api::step`]) and the
//! teardown; each family of operations is in its own `*_ops.rs`.

use std::sync::atomic::Ordering;

use super::*;

mod config_ops;
mod diag_ops;
mod engine_ops;
mod extern_ops;
mod instance_ops;
mod linker_ops;
mod module_ops;
mod store_ops;
mod wasi_ops;

use linker_ops::trap_new;

struct Eng {
    ptr: *mut wasmpool_engine_t,
    fuel: bool,
    epoch: bool,
    ticker: bool,
}

struct Module {
    ptr: *mut wasmpool_module_t,
    engine: usize,
    exports: Exports,
    imports: usize,
    /// Every function (and the start function) is known to end: a template other
    /// than the `spin` one. Other modules run only in a store whose fuel or deadline
    /// bounds them.
    terminates: bool,
}

struct Inst {
    ptr: *mut wasmpool_instance_t,
    exports: Exports,
    terminates: bool,
}

struct Store {
    ptr: *mut wasmpool_store_t,
    engine: usize,
    instances: Vec<Inst>,
    /// The fuel or deadline currently bounds guest code in this store.
    bounded: bool,
}

struct Linker {
    ptr: *mut wasmpool_linker_t,
    engine: usize,
}

struct Pre {
    ptr: *mut wasmpool_instance_pre_t,
    engine: usize,
    exports: Exports,
    terminates: bool,
}

/// Every object the sequence has made and not deleted yet.
#[derive(Default)]
struct Api {
    configs: Vec<*mut wasmpool_config_t>,
    engines: Vec<Option<Eng>>,
    modules: Vec<Module>,
    stores: Vec<Store>,
    linkers: Vec<Linker>,
    pres: Vec<Pre>,
    blobs: Vec<(usize, Vec<u8>)>,
}

fn live<T>(v: &[Option<T>]) -> Vec<usize> {
    v.iter().enumerate().filter(|(_, x)| x.is_some()).map(|(i, _)| i).collect()
}

impl Api {
    fn pick_engine(&self, u: &mut Unstructured) -> arbitrary::Result<Option<usize>> {
        let l = live(&self.engines);
        if l.is_empty() { Ok(None) } else { Ok(Some(*u.choose(&l)?)) }
    }

    fn engine(&self, i: usize) -> &Eng {
        self.engines[i].as_ref().expect("live engine")
    }

    /// One API call (or a few related ones), chosen by the input.
    fn step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let op = u.int_in_range(0..=30u8)?;
        trace!("op {op}");
        match op {
            // --- configs
            0 | 1 => self.config_new(u),
            2..=5 => self.config_set_knob(u),
            6 => self.config_footprint(u),
            7 => self.config_delete(u),
            8 => self.config_apply_env(u),
            // --- engines
            9 | 10 => self.engine_new(u),
            11 => self.engine_delete(u),
            12 => self.engine_metrics(u),
            // --- modules
            13..=15 => self.module_new(u),
            16 => self.module_delete(u),
            17 => self.module_serialize(u),
            18 => self.module_deserialize(u),
            // --- stores
            19 => self.store_new(u),
            20 => self.store_delete(u),
            21 => self.store_settings(u),
            // --- instances
            22 | 23 => self.instance_new(u),
            24 | 25 => self.instance_use(u),
            // --- linkers and pre-linked instances
            26 => self.linker_step(u),
            // --- WASI configurations, copied into stores
            27 => self.wasi_step(u),
            // --- host memories, tables and globals, defined in linkers
            28 => self.extern_step(u),
            // --- diagnostics: traces and exceptions of errors, cache, epoch callbacks
            30 => self.diag_step(u),
            _ => trap_new(u),
        }
    }

    /// A small pooling engine (fuel and epochs as the input says), a template
    /// module, a store and one instance of the module.
    fn quick_start(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let cfg = wasmpool_config_new();
        assert!(!cfg.is_null());
        set_small_pool(cfg);
        self.configs.push(cfg);
        let fuel = u.ratio(1u8, 2u8)?;
        set_knob(cfg, knob("consume_fuel"), u64::from(fuel));
        if u.ratio(1u8, 3u8)? {
            set_knob(cfg, knob("epoch_interruption"), 1);
            set_knob(cfg, knob("epoch_tick_interval_ms"), u.int_in_range(0..=5u64)?);
        }
        let mut e = null_mut();
        check(unsafe { wasmpool_engine_new(cfg, &mut e) }, "engine_new(quick start)", &[]);
        let ei = self.add_engine(e, cfg, fuel);
        let t = u.choose(TEMPLATES)?;
        self.compile(ei, t.as_bytes(), !t.contains("spin"));
        let si = self.add_store(ei);
        if fuel {
            self.store_knobs_fuel(si, u.int_in_range(0..=100_000u64)?);
        }
        if !self.modules.is_empty() {
            let mi = self.modules.len() - 1;
            self.instantiate(si, mi);
        }
        Ok(())
    }

    fn teardown(mut self) {
        let mut u = Unstructured::new(&[]);
        for e in live(&self.engines) {
            self.delete_engine(e, &mut u).expect("teardown");
        }
        for c in self.configs.drain(..) {
            unsafe { wasmpool_config_delete(c) };
        }
        assert!(self.stores.is_empty() && self.modules.is_empty() && self.linkers.is_empty() && self.pres.is_empty());
    }
}

/// Target (a): a sequence of C API calls decided by `data`.
pub fn api_sequence(data: &[u8]) {
    init();
    let finalized_before = FINALIZED.load(Ordering::SeqCst);
    let defined_before = DEFINED.load(Ordering::SeqCst);
    let refs_before = (extern_ops::REFS_MADE.load(Ordering::SeqCst), extern_ops::REFS_FINALIZED.load(Ordering::SeqCst));
    let mut u = Unstructured::new(data);
    let mut api = Api::default();
    // Most inputs start from a working setup (a small pool, a template module, a store
    // and an instance), so that random steps reach calls, not only config and engine
    // calls; the rest start from nothing.
    if u.ratio(3u8, 4u8).unwrap_or(false) {
        let _ = api.quick_start(&mut u);
    }
    let trace = tracing();
    for step in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let t0 = std::time::Instant::now();
        let before = u.len();
        let r = api.step(&mut u);
        if trace {
            eprintln!("step {step}: {} input bytes, {:.1} ms", before - u.len(), t0.elapsed().as_secs_f64() * 1e3);
        }
        if r.is_err() {
            break;
        }
    }
    let t0 = std::time::Instant::now();
    api.teardown();
    if trace {
        eprintln!("teardown: {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
    }
    // (Callers must not run api_sequence on two threads at once.)
    let defined = DEFINED.load(Ordering::SeqCst) - defined_before;
    let finalized = FINALIZED.load(Ordering::SeqCst) - finalized_before;
    assert_eq!(defined, finalized, "host functions defined {defined}, finalizers run {finalized}");
    let refs_made = extern_ops::REFS_MADE.load(Ordering::SeqCst) - refs_before.0;
    let refs_finalized = extern_ops::REFS_FINALIZED.load(Ordering::SeqCst) - refs_before.1;
    assert_eq!(refs_made, refs_finalized, "externrefs made {refs_made}, finalizers run {refs_finalized}");
}
