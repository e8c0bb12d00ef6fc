//! Store operations: new, delete, and the per-store settings (limits, fuel,
//! epoch deadline, deadline in ms, memory consumed).

use super::*;

impl Api {
    pub(super) fn store_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if let Some(e) = self.pick_engine(u)?
            && self.stores.len() < 6
        {
            self.add_store(e);
        }
        Ok(())
    }

    /// A new store of engine `e`; its index.
    pub(super) fn add_store(&mut self, e: usize) -> usize {
        let mut s = null_mut();
        check(unsafe { wasmpool_store_new(self.engine(e).ptr, &mut s) }, "store_new", &[]);
        self.stores.push(Store { ptr: s, engine: e, instances: Vec::new(), bounded: false });
        self.stores.len() - 1
    }

    pub(super) fn store_delete(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if !self.stores.is_empty() {
            let i = u.choose_index(self.stores.len())?;
            let s = self.stores.swap_remove(i);
            unsafe { wasmpool_store_delete(s.ptr) };
        }
        Ok(())
    }

    /// One setting of one store, each checked against what its engine allows.
    pub(super) fn store_settings(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let i = u.choose_index(self.stores.len())?;
        let s = &mut self.stores[i];
        let eng = self.engines[s.engine].as_ref().expect("store's engine");
        match u.int_in_range(0..=4u8)? {
            0 => store_limits(s, u),
            1 => store_fuel(s, eng, u),
            2 => store_epoch_deadline(s, eng, u),
            3 => store_deadline_ms(s, eng, u),
            _ => {
                let consumed = unsafe { wasmpool_store_memory_consumed(s.ptr) };
                assert!(consumed <= 1 << 40, "store_memory_consumed: {consumed}");
                Ok(())
            }
        }
    }

    pub(super) fn store_knobs_fuel(&mut self, i: usize, fuel: u64) {
        let s = &mut self.stores[i];
        check(unsafe { wasmpool_store_fuel_set(s.ptr, fuel) }, "store_fuel_set", &[]);
        s.bounded = true;
    }
}

/// Limits round-trip.
fn store_limits(s: &mut Store, u: &mut Unstructured) -> arbitrary::Result<()> {
    let mut l = wasmpool_store_limits_unlimited();
    for f in [&mut l.memory_size, &mut l.table_elements, &mut l.instances, &mut l.tables, &mut l.memories] {
        if u.ratio(1u8, 2u8)? {
            *f = interesting_u64(u)? as usize;
        }
    }
    check(unsafe { wasmpool_store_limits_set(s.ptr, &l) }, "store_limits_set", &[]);
    let mut back = wasmpool_store_limits_unlimited();
    check(unsafe { wasmpool_store_limits_get(s.ptr, &mut back) }, "store_limits_get", &[]);
    assert_eq!(l, back, "store limits do not round-trip");
    Ok(())
}

/// Fuel: refused exactly when the engine does not consume fuel; round-trips.
fn store_fuel(s: &mut Store, eng: &Eng, u: &mut Unstructured) -> arbitrary::Result<()> {
    // Bounded fuel, so that `spin` ends.
    let fuel = interesting_u64(u)? % 200_000;
    let refused = check(unsafe { wasmpool_store_fuel_set(s.ptr, fuel) }, "store_fuel_set", SETTER).is_some();
    assert_eq!(refused, !eng.fuel, "store_fuel_set: refused = {refused} with fuel {}", eng.fuel);
    let mut back = u64::MAX;
    if check(unsafe { wasmpool_store_fuel_get(s.ptr, &mut back) }, "store_fuel_get", SETTER).is_none() {
        assert_eq!(back, fuel, "store fuel does not round-trip");
    }
    if !refused {
        s.bounded = true;
    }
    Ok(())
}

/// An epoch deadline: refused exactly when the engine has no epochs.
fn store_epoch_deadline(s: &mut Store, eng: &Eng, u: &mut Unstructured) -> arbitrary::Result<()> {
    let ticks = interesting_u64(u)?;
    let err = unsafe { wasmpool_store_epoch_deadline_set(s.ptr, ticks) };
    let refused = check(err, "store_epoch_deadline_set", SETTER).is_some();
    assert_eq!(refused, !eng.epoch, "epoch_deadline_set: refused = {refused} with epochs {}", eng.epoch);
    if !refused && !eng.fuel {
        // A deadline in ticks bounds guest code only if something ticks.
        s.bounded = eng.ticker && ticks <= 4;
    }
    Ok(())
}

/// A deadline in ms: refused exactly when the engine has no epoch ticker.
fn store_deadline_ms(s: &mut Store, eng: &Eng, u: &mut Unstructured) -> arbitrary::Result<()> {
    let ms = interesting_u64(u)?;
    let refused = check(unsafe { wasmpool_store_deadline_ms_set(s.ptr, ms) }, "store_deadline_ms_set", SETTER).is_some();
    assert_eq!(refused, !eng.ticker, "deadline_ms_set: refused = {refused} with a ticker {}", eng.ticker);
    if !refused && !eng.fuel {
        s.bounded = ms <= 20;
    }
    Ok(())
}
