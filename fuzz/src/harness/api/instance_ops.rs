//! Instance operations: instantiate a module in a store, then call an export
//! (right or wrong arguments), reach an exported memory, get and set a global.

use super::*;

impl Api {
    pub(super) fn instance_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if !self.stores.is_empty() && !self.modules.is_empty() {
            let s = u.choose_index(self.stores.len())?;
            let m = u.choose_index(self.modules.len())?;
            self.instantiate(s, m);
        }
        Ok(())
    }

    /// Instantiates module `m` in store `s`, unless the store is full or the
    /// module might not end there.
    pub(super) fn instantiate(&mut self, s: usize, m: usize) {
        let store = &self.stores[s];
        let module = &self.modules[m];
        if store.instances.len() >= 4 || !(module.terminates || store.bounded) {
            return;
        }
        let mut inst = null_mut();
        let err = unsafe { wasmpool_instantiate(store.ptr, module.ptr, &mut inst) };
        let what = "instantiate";
        match check(err, what, INSTANTIATE) {
            None => {
                assert!(!inst.is_null(), "instantiate: success without an instance");
                assert_eq!(store.engine, module.engine, "instantiate accepted a module of another engine");
                assert_eq!(module.imports, 0, "instantiate accepted a module with imports");
                let exports = module.exports.clone();
                let terminates = module.terminates;
                self.add_instance(s, inst, exports, terminates);
            }
            Some(kind) => {
                assert!(inst.is_null(), "instantiate: out-parameter written on failure");
                if store.engine != module.engine {
                    assert_eq!(kind, WASMPOOL_ERROR_INVALID_ARGUMENT, "module of another engine");
                }
            }
        }
    }

    /// Keeps instance `ptr` (with the exports of its module) in store `s`.
    pub(super) fn add_instance(&mut self, s: usize, ptr: *mut wasmpool_instance_t, exports: Exports, terminates: bool) {
        stat(|s| s.instances += 1);
        self.stores[s].instances.push(Inst { ptr, exports, terminates });
    }

    pub(super) fn instance_use(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let s = u.choose_index(self.stores.len())?;
        let store = &self.stores[s];
        if store.instances.is_empty() {
            return Ok(());
        }
        let inst = &store.instances[u.choose_index(store.instances.len())?];
        match u.int_in_range(0..=3u8)? {
            0 | 1 => instance_call(store, inst, u),
            2 => instance_memory(inst, u),
            _ => instance_global(inst, u),
        }
    }
}

/// A call: an export with the right arguments most of the time.
fn instance_call(store: &Store, inst: &Inst, u: &mut Unstructured) -> arbitrary::Result<()> {
    let ex = &inst.exports;
    let (name, params, results) = if !ex.funcs.is_empty() && u.ratio(7u8, 8u8)? {
        let f = u.choose(&ex.funcs)?;
        (f.name.clone(), f.params.clone(), f.results.clone())
    } else {
        let name = small_string(u, &["missing", "g", "memory"])?;
        let n = u.int_in_range(0..=3)?;
        (name, vec![0; n], vec![0; u.int_in_range(0..=2)?])
    };
    if !(inst.terminates || store.bounded) {
        return Ok(());
    }
    if u.ratio(1u8, 16u8)? {
        // NULL name: INVALID_ARGUMENT.
        let err = unsafe { wasmpool_instance_call(inst.ptr, null(), null(), 0, null_mut(), 0) };
        assert_eq!(check(err, "instance_call(NULL name)", CALL), Some(WASMPOOL_ERROR_INVALID_ARGUMENT));
        return Ok(());
    }
    let mut args = Vec::new();
    let wrong = u.ratio(1u8, 8u8)?;
    for p in &params {
        let k = if wrong { u.int_in_range(0..=7u32)? } else { *p };
        args.push(val(k, u)?);
    }
    let nres = if wrong { u.int_in_range(0..=4usize)? } else { results.len() };
    let mut res: Vec<wasmpool_val_t> = (0..nres).map(|_| zeroed()).collect();
    trace!("instance_call {name:?} with {} args", args.len());
    let err = call(inst.ptr, &name, &args, &mut res, u.ratio(1u8, 3u8)?);
    let outcome = check(err, "instance_call", CALL);
    count_call(outcome);
    if outcome.is_none() {
        for (r, k) in res.iter().zip(&results) {
            assert_eq!(r.kind, *k, "instance_call: result kind {} for declared {k}", r.kind);
        }
    }
    Ok(())
}

/// Mostly (3 in 4) one of the `listed` export names, else a short string
/// (often one of `others`).
fn listed_or_not(u: &mut Unstructured, listed: &[CString], others: &[&str]) -> arbitrary::Result<CString> {
    if !listed.is_empty() && u.ratio(3u8, 4u8)? { Ok(u.choose(listed)?.clone()) } else { small_string(u, others) }
}

/// An exported memory (or a wrong name): its first and last bytes rewritten.
fn instance_memory(inst: &Inst, u: &mut Unstructured) -> arbitrary::Result<()> {
    let name = listed_or_not(u, &inst.exports.memories, &["memory", "add"])?;
    let mut data = null_mut();
    let mut size = usize::MAX;
    let err = unsafe { wasmpool_instance_memory(inst.ptr, name.as_ptr(), &mut data, &mut size) };
    if check(err, "instance_memory", LOOKUP).is_none() && size > 0 {
        assert!(!data.is_null(), "instance_memory: NULL data with size {size}");
        // SAFETY: `size` bytes at `data`, valid until the next call into the store.
        unsafe { rewrite_ends(data, size) };
    }
    Ok(())
}

/// An exported global (or a wrong name): get, set (right or wrong kind), get
/// again; then a function type.
fn instance_global(inst: &Inst, u: &mut Unstructured) -> arbitrary::Result<()> {
    let ex = &inst.exports;
    let name = listed_or_not(u, &ex.globals, &["g", "add"])?;
    let mut v: wasmpool_val_t = zeroed();
    let err = unsafe { wasmpool_instance_global_get(inst.ptr, name.as_ptr(), &mut v) };
    if check(err, "instance_global_get", LOOKUP).is_none() {
        // Numbers, or a reference of a kind that passes (not REF = 5).
        assert!(v.kind <= 9 && v.kind != 5, "global_get: kind {}", v.kind);
        let k = if u.ratio(3u8, 4u8)? { v.kind } else { u.int_in_range(0..=6u32)? };
        let nv = val(k, u)?;
        let err = unsafe { wasmpool_instance_global_set(inst.ptr, name.as_ptr(), &nv) };
        if check(err, "instance_global_set", LOOKUP).is_none() {
            let mut back: wasmpool_val_t = zeroed();
            let err = unsafe { wasmpool_instance_global_get(inst.ptr, name.as_ptr(), &mut back) };
            check(err, "global_get", &[]);
            assert_eq!(back.kind, k, "global_set/get kind");
        }
    }
    let mut info: wasmpool_extern_info_t = zeroed();
    let fname = if !ex.funcs.is_empty() { ex.funcs[0].name.clone() } else { name };
    let err = unsafe { wasmpool_instance_func_type(inst.ptr, fname.as_ptr(), &mut info) };
    if check(err, "instance_func_type", LOOKUP).is_none() {
        kinds(info.params, info.nparams);
        kinds(info.results, info.nresults);
    }
    Ok(())
}
