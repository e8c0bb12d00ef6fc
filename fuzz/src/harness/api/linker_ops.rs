//! Linker operations (new, define a host function, define unknown imports as
//! traps), pre-linked instances (new, instantiate, delete), and the trap
//! constructors a host function returns.

use super::*;

impl Api {
    pub(super) fn linker_step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        match u.int_in_range(0..=5u8)? {
            0 => self.linker_new(u),
            1 => self.linker_define(u),
            2 => self.linker_define_traps(u),
            3 => self.linker_instantiate_pre(u),
            4 => self.pre_instantiate(u),
            _ => self.pre_delete(u),
        }
    }

    fn linker_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if let Some(e) = self.pick_engine(u)?
            && self.linkers.len() < 2
        {
            let mut l = null_mut();
            check(unsafe { wasmpool_linker_new(self.engine(e).ptr, &mut l) }, "linker_new", &[]);
            self.linkers.push(Linker { ptr: l, engine: e });
        }
        Ok(())
    }

    /// A host function with a random signature, or half the time the one the
    /// template importing it expects.
    fn linker_define(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.linkers.is_empty() {
            return Ok(());
        }
        let l = self.linkers[u.choose_index(self.linkers.len())?].ptr;
        let module = small_string(u, &["host", "env"])?;
        let name = small_string(u, &["f", "g", "m"])?;
        let mut params = Vec::new();
        let mut results = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            params.push(u.int_in_range(0..=6u32)?);
        }
        for _ in 0..u.int_in_range(0..=2)? {
            results.push(u.int_in_range(0..=6u32)?);
        }
        if u.ratio(1u8, 2u8)? {
            // The signatures the template expects.
            if name.as_bytes() == b"f" {
                params = vec![0];
                results = vec![0];
            } else {
                params = vec![1, 2, 3];
                results = vec![4];
            }
        }
        define(l, &module, &name, &params, &results, u.ratio(1u8, 4u8)?);
        Ok(())
    }

    fn linker_define_traps(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.linkers.is_empty() || self.modules.is_empty() {
            return Ok(());
        }
        let l = &self.linkers[u.choose_index(self.linkers.len())?];
        let m = &self.modules[u.choose_index(self.modules.len())?];
        let err = unsafe { wasmpool_linker_define_unknown_imports_as_traps(l.ptr, m.ptr) };
        let kind = check(err, "linker_define_unknown_imports_as_traps", LOOKUP);
        if l.engine != m.engine && m.imports > 0 {
            assert_eq!(
                kind,
                Some(WASMPOOL_ERROR_INVALID_ARGUMENT),
                "define_unknown_imports_as_traps with a module of another engine"
            );
        }
        Ok(())
    }

    /// Pre-links a module; sometimes deletes a linker afterwards (the
    /// pre-linked instance must not need it).
    fn linker_instantiate_pre(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.linkers.is_empty() || self.modules.is_empty() || self.pres.len() >= 4 {
            return Ok(());
        }
        let l = &self.linkers[u.choose_index(self.linkers.len())?];
        let m = &self.modules[u.choose_index(self.modules.len())?];
        let mut p = null_mut();
        let err = unsafe { wasmpool_linker_instantiate_pre(l.ptr, m.ptr, &mut p) };
        if check(err, "linker_instantiate_pre", LOOKUP).is_none() {
            assert_eq!(l.engine, m.engine, "instantiate_pre accepted a module of another engine");
            self.pres.push(Pre { ptr: p, engine: m.engine, exports: m.exports.clone(), terminates: m.terminates });
        }
        if u.ratio(1u8, 4u8)? {
            let i = u.choose_index(self.linkers.len())?;
            unsafe { wasmpool_linker_delete(self.linkers.swap_remove(i).ptr) };
        }
        Ok(())
    }

    fn pre_instantiate(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.pres.is_empty() || self.stores.is_empty() {
            return Ok(());
        }
        let p = &self.pres[u.choose_index(self.pres.len())?];
        let s = u.choose_index(self.stores.len())?;
        if self.stores[s].instances.len() < 4 && (p.terminates || self.stores[s].bounded) {
            let mut inst = null_mut();
            let err = unsafe { wasmpool_instance_pre_instantiate(p.ptr, self.stores[s].ptr, &mut inst) };
            if check(err, "instance_pre_instantiate", INSTANTIATE).is_none() {
                assert_eq!(p.engine, self.stores[s].engine, "pre_instantiate into a store of another engine");
                let exports = p.exports.clone();
                let terminates = p.terminates;
                self.add_instance(s, inst, exports, terminates);
            }
        }
        Ok(())
    }

    fn pre_delete(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if !self.pres.is_empty() {
            let i = u.choose_index(self.pres.len())?;
            unsafe { wasmpool_instance_pre_delete(self.pres.swap_remove(i).ptr) };
        }
        Ok(())
    }
}

/// Trap constructors: a trap (or INVALID_ARGUMENT for a code out of range),
/// with the message given, even an empty one.
pub(super) fn trap_new(u: &mut Unstructured) -> arbitrary::Result<()> {
    let msg = small_string(u, &["host says no", ""])?;
    let code = interesting_u64(u)? as u32 % 20;
    let err = if u.ratio(1u8, 2u8)? {
        unsafe { wasmpool_trap_new(msg.as_ptr()) }
    } else {
        unsafe { wasmpool_trap_new_with_code(code, msg.as_ptr()) }
    };
    assert!(!err.is_null(), "trap_new returned NULL");
    check_full(
        err,
        "trap_new",
        &[WASMPOOL_ERROR_TRAP, WASMPOOL_ERROR_INTERRUPTED, WASMPOOL_ERROR_OUT_OF_FUEL, WASMPOOL_ERROR_INVALID_ARGUMENT],
        msg.as_bytes().is_empty(),
    );
    Ok(())
}
