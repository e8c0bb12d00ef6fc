//! Config operations: new (plain or the server preset), set a knob, footprint,
//! delete, apply the environment.

use super::*;

impl Api {
    pub(super) fn config_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.configs.len() >= 3 {
            return Ok(());
        }
        let cfg = if u.ratio(1u8, 4u8)? {
            let n = interesting_u64(u)? as u32;
            let cfg = wasmpool_config_new_server(n);
            assert_eq!(cfg.is_null(), n == 0, "config_new_server({n})");
            cfg
        } else {
            wasmpool_config_new()
        };
        if !cfg.is_null() {
            // Start small most of the time so engines get built.
            if u.ratio(3u8, 4u8)? {
                set_small_pool(cfg);
            }
            self.configs.push(cfg);
        }
        Ok(())
    }

    pub(super) fn config_set_knob(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.configs.is_empty() {
            return Ok(());
        }
        let cfg = *u.choose(&self.configs)?;
        let k = u.choose(KNOBS)?;
        let v = match k.width {
            Width::Bool => u64::from(bool::arbitrary(u)?),
            Width::Enum(n) if u.ratio(3u8, 4u8)? => u64::from(u.int_in_range(0..=n - 1)?),
            _ => interesting_u64(u)?,
        };
        set_knob(cfg, k, v);
        Ok(())
    }

    pub(super) fn config_footprint(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.configs.is_empty() {
            return Ok(());
        }
        let cfg = *u.choose(&self.configs)?;
        let mut fp: wasmpool_footprint_t = zeroed();
        if check(unsafe { wasmpool_config_footprint(cfg, &mut fp) }, "config_footprint", SETTER).is_none() {
            let sum = fp.memories_reserved as u128
                + fp.tables_reserved as u128
                + fp.stacks_reserved as u128
                + fp.instances_reserved as u128
                + fp.gc_heaps_reserved as u128;
            assert_eq!(sum, fp.total_reserved as u128, "footprint: total is not the sum");
        }
        Ok(())
    }

    pub(super) fn config_delete(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if !self.configs.is_empty() {
            let i = u.choose_index(self.configs.len())?;
            unsafe { wasmpool_config_delete(self.configs.swap_remove(i)) };
        }
        Ok(())
    }

    pub(super) fn config_apply_env(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.configs.is_empty() {
            return Ok(());
        }
        let cfg = *u.choose(&self.configs)?;
        let prefix = small_string(u, &["WPFZ_A_", "WPFZ_B_", "WPFZ_C_", "", "NOPE_"])?;
        let before: Vec<u64> = KNOBS.iter().map(|k| (k.get)(cfg)).collect();
        let mut applied = usize::MAX;
        let err = unsafe { wasmpool_config_apply_env(cfg, prefix.as_ptr(), &mut applied) };
        if check(err, "config_apply_env", SETTER).is_some() {
            let after: Vec<u64> = KNOBS.iter().map(|k| (k.get)(cfg)).collect();
            assert_eq!(before, after, "config_apply_env failed but changed the config");
        } else {
            assert!(applied <= KNOBS.len(), "config_apply_env: applied = {applied}");
        }
        Ok(())
    }
}
