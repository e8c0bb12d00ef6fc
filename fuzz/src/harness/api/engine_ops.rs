//! Engine operations: new (from a fuzzed config made affordable), delete (with
//! everything made from the engine, in an order the input picks), metrics.

use super::*;

/// Removes from `v` and returns, in their order, the elements `mine` picks.
fn take_where<T>(v: &mut Vec<T>, mine: impl Fn(&T) -> bool) -> Vec<T> {
    let (taken, rest): (Vec<T>, Vec<T>) = v.drain(..).partition(mine);
    *v = rest;
    taken
}

impl Api {
    pub(super) fn engine_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.configs.is_empty() || live(&self.engines).len() >= 3 {
            return Ok(());
        }
        let cfg = *u.choose(&self.configs)?;
        make_affordable(cfg);
        if tracing() {
            let knobs: Vec<String> = KNOBS.iter().map(|k| format!("{}={}", k.name, (k.get)(cfg))).collect();
            trace!("engine_new: {}", knobs.join(" "));
        }
        let mut e = null_mut();
        if check(unsafe { wasmpool_engine_new(cfg, &mut e) }, "engine_new", ENGINE_NEW).is_none() {
            assert!(!e.is_null(), "engine_new: success without an engine");
            let strategy = unsafe { wasmpool_engine_strategy(e) } as u32;
            assert!(strategy <= 1, "engine_strategy: {strategy}");
            let reason = unsafe { wasmpool_engine_fallback_reason(e) };
            if !reason.is_null() {
                cstr_of(reason, "fallback reason");
            }
            self.add_engine(e, cfg, (knob("consume_fuel").get)(cfg) == 1);
        }
        Ok(())
    }

    /// Keeps engine `e`, built from `cfg` (with fuel as `fuel` says); its index.
    pub(super) fn add_engine(&mut self, e: *mut wasmpool_engine_t, cfg: *mut wasmpool_config_t, fuel: bool) -> usize {
        stat(|s| s.engines += 1);
        let epoch = (knob("epoch_interruption").get)(cfg) == 1;
        let ticker = epoch && (knob("epoch_tick_interval_ms").get)(cfg) > 0;
        self.engines.push(Some(Eng { ptr: e, fuel, epoch, ticker }));
        self.engines.len() - 1
    }

    pub(super) fn engine_delete(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if let Some(e) = self.pick_engine(u)? {
            self.delete_engine(e, u)?;
        }
        Ok(())
    }

    /// Increments the epoch, then reads the metrics with any `struct_size`:
    /// nothing may be written past it.
    pub(super) fn engine_metrics(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let Some(e) = self.pick_engine(u)? else { return Ok(()) };
        let ptr = self.engine(e).ptr;
        unsafe { wasmpool_engine_increment_epoch(ptr) };
        // Any struct_size; nothing may be written past it.
        let full = size_of::<wasmpool_metrics_t>();
        let size = if u.ratio(1u8, 2u8)? { full } else { u.int_in_range(0..=full + 64)? };
        // An 8-byte aligned buffer with room for `full + 64` bytes, all 0xAB.
        let mut buf: Vec<u64> = vec![0xABAB_ABAB_ABAB_ABAB; (full + 64).div_ceil(8)];
        let out = buf.as_mut_ptr().cast::<wasmpool_metrics_t>();
        // SAFETY: the buffer holds more than a usize.
        unsafe { out.cast::<usize>().write(size) };
        let refused = check(unsafe { wasmpool_engine_metrics(ptr, out) }, "engine_metrics", SETTER).is_some();
        // SAFETY: plain bytes of the buffer.
        let bytes = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), full + 64) };
        let untouched_from = if refused { size_of::<usize>() } else { size.max(size_of::<usize>()) };
        assert!(
            bytes[untouched_from..].iter().all(|b| *b == 0xAB),
            "engine_metrics(struct_size {size}) wrote past struct_size"
        );
        if !refused && size >= full {
            assert_pool_sane(ptr);
        }
        Ok(())
    }

    /// Deletes engine `e` and, first, everything made from it, in an order the
    /// input picks among the valid ones.
    pub(super) fn delete_engine(&mut self, e: usize, u: &mut Unstructured) -> arbitrary::Result<()> {
        let mut order: Vec<u8> = vec![0, 1, 2, 3];
        if let Ok(seed) = u8::arbitrary(u) {
            order.rotate_left(usize::from(seed % 4));
        }
        for what in order {
            let t0 = std::time::Instant::now();
            match what {
                0 => {
                    for s in take_where(&mut self.stores, |s| s.engine == e) {
                        let t0 = std::time::Instant::now();
                        let consumed = unsafe { wasmpool_store_memory_consumed(s.ptr) };
                        unsafe { wasmpool_store_delete(s.ptr) };
                        trace!(
                            "store_delete ({} instances, {consumed} memory bytes) took {:.1} ms",
                            s.instances.len(),
                            t0.elapsed().as_secs_f64() * 1e3
                        );
                    }
                    // Every store of this engine is gone: nothing is live in its pool.
                    assert_pool_empty(self.engine(e).ptr, "after deleting every store");
                }
                1 => {
                    for m in take_where(&mut self.modules, |m| m.engine == e) {
                        unsafe { wasmpool_module_delete(m.ptr) };
                    }
                }
                2 => {
                    for l in take_where(&mut self.linkers, |l| l.engine == e) {
                        unsafe { wasmpool_linker_delete(l.ptr) };
                    }
                }
                _ => {
                    for p in take_where(&mut self.pres, |p| p.engine == e) {
                        unsafe { wasmpool_instance_pre_delete(p.ptr) };
                    }
                }
            }
            trace!("delete_engine {e}: part {what} took {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
        }
        self.blobs.retain(|(be, _)| *be != e);
        let eng = self.engines[e].take().expect("live engine");
        let t0 = std::time::Instant::now();
        unsafe { wasmpool_engine_delete(eng.ptr) };
        trace!("engine_delete {e} took {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
        Ok(())
    }
}
