//! Diagnostics operations: the backtrace and the exception accessors of the
//! error a call returns (in range and out of range), uncaught exceptions with
//! known payloads, the compilation cache's counters, and epoch deadline
//! callbacks set, replaced and cleared (each callback's env finalized exactly
//! once: [`DEFINED`] / [`FINALIZED`]).

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::Ordering;

use super::*;

/// Throws its arguments with tag `e`; `other` has the same type.
const THROWER: &str = r#"(module
    (tag $e (export "e") (param i32 i64 f32 f64))
    (tag $other (export "other") (param i32 i64 f32 f64))
    (func (export "throw") (param i32 i64 f32 f64)
        local.get 0 local.get 1 local.get 2 local.get 3 throw $e))"#;

impl Api {
    pub(super) fn diag_step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        match u.int_in_range(0..=3u8)? {
            0 => self.call_and_inspect(u),
            1 => self.throw_and_read(u),
            2 => self.cache_stats(u),
            _ => self.epoch_callback(u),
        }
    }

    /// A call of an instance's export whose error is inspected before the
    /// usual check.
    fn call_and_inspect(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let store = &self.stores[u.choose_index(self.stores.len())?];
        if store.instances.is_empty() {
            return Ok(());
        }
        let inst = &store.instances[u.choose_index(store.instances.len())?];
        if inst.exports.funcs.is_empty() || !(inst.terminates || store.bounded) {
            return Ok(());
        }
        let f = u.choose(&inst.exports.funcs)?;
        let args = f.params.iter().map(|&k| val(k, u)).collect::<arbitrary::Result<Vec<_>>>()?;
        let mut res: Vec<wasmpool_val_t> = f.results.iter().map(|_| zeroed()).collect();
        let err = call(inst.ptr, &f.name, &args, &mut res, false);
        inspect(err, inst.ptr, u)?;
        count_call(check(err, "instance_call (inspected)", CALL));
        Ok(())
    }

    /// An uncaught exception of a known payload: the payload reads back
    /// bit for bit, the tag is `e` (not `other`, not another instance's).
    fn throw_and_read(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let Some(e) = self.pick_engine(u)? else { return Ok(()) };
        let eng = self.engine(e);
        let mut m = null_mut();
        let err = unsafe { wasmpool_module_new(eng.ptr, THROWER.as_ptr(), THROWER.len(), &mut m) };
        // The engine may have the exceptions proposal off, or limits it exceeds.
        if check(err, "module_new(thrower)", MODULE_NEW).is_some() {
            return Ok(());
        }
        let mut store = null_mut();
        check(unsafe { wasmpool_store_new(eng.ptr, &mut store) }, "store_new(thrower)", &[]);
        if eng.fuel {
            check(unsafe { wasmpool_store_fuel_set(store, 1_000_000) }, "store_fuel_set", &[]);
        }
        let mut insts = [null_mut(); 2];
        for slot in &mut insts {
            let err = unsafe { wasmpool_instantiate(store, m, slot) };
            if check(err, "instantiate(thrower)", INSTANTIATE).is_some() {
                *slot = null_mut();
            }
        }
        if !insts[0].is_null() {
            let i32v = interesting_u64(u)? as i32;
            let i64v = interesting_u64(u)? as i64;
            let f32v = f32::from_bits(interesting_u64(u)? as u32);
            let f64v = f64::from_bits(interesting_u64(u)?);
            let mut args = [val(0, u)?, val(1, u)?, val(2, u)?, val(3, u)?];
            args[0].of.i32 = i32v;
            args[1].of.i64 = i64v;
            args[2].of.f32 = f32v;
            args[3].of.f64 = f64v;
            let err = call(insts[0], c"throw", &args, &mut [], u.ratio(1u8, 2u8)?);
            assert!(!err.is_null(), "throw: no error");
            let kind = unsafe { wasmpool_error_kind(err) };
            // Fuel may run out before the throw, the stack (of a fuzzed size)
            // overflow, or the GC heap have no room for the exception object.
            if kind == WASMPOOL_ERROR_EXCEPTION {
                assert_eq!(unsafe { wasmpool_error_exception_payload_count(err) }, 4, "thrown payload count");
                let mut back: [wasmpool_val_t; 4] = [zeroed(), zeroed(), zeroed(), zeroed()];
                for (i, b) in back.iter_mut().enumerate() {
                    check(unsafe { wasmpool_error_exception_payload(err, i, b) }, "exception_payload", &[]);
                    assert_eq!(b.kind, i as u32, "payload {i}: kind");
                }
                // SAFETY: each member as its kind says.
                unsafe {
                    assert_eq!(back[0].of.i32, i32v, "payload 0");
                    assert_eq!(back[1].of.i64, i64v, "payload 1");
                    assert_eq!(back[2].of.f32.to_bits(), f32v.to_bits(), "payload 2 (bits)");
                    assert_eq!(back[3].of.f64.to_bits(), f64v.to_bits(), "payload 3 (bits)");
                }
                assert!(tag_is(err, insts[0], c"e") == Some(true), "tag e");
                assert!(tag_is(err, insts[0], c"other") == Some(false), "tag other");
                if !insts[1].is_null() {
                    assert!(tag_is(err, insts[1], c"e") == Some(false), "another instance's tag e");
                }
                assert!(tag_is(err, insts[0], c"throw").is_none(), "a function is no tag");
            }
            inspect(err, insts[0], u)?;
            // Any kind a call may return (a fuzzed max_wasm_stack may even be too small for
            // the call: TRAP); the payload oracle above holds whenever it is the exception.
            check(err, "call(throw)", CALL);
        }
        unsafe {
            wasmpool_store_delete(store);
            wasmpool_module_delete(m);
        }
        Ok(())
    }

    /// Fuzzed engines have no cache directory: the counters are refused,
    /// `*out` untouched.
    fn cache_stats(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let Some(e) = self.pick_engine(u)? else { return Ok(()) };
        let mut stats = wasmpool_cache_stats_t { hits: 77, misses: 88 };
        let out: *mut wasmpool_cache_stats_t = if u.ratio(1u8, 8u8)? { null_mut() } else { &mut stats };
        let err = unsafe { wasmpool_engine_cache_stats(self.engine(e).ptr, out) };
        assert_eq!(check(err, "engine_cache_stats", SETTER), Some(WASMPOOL_ERROR_INVALID_ARGUMENT), "cache stats");
        assert!(stats.hits == 77 && stats.misses == 88, "cache stats: *out written on failure");
        Ok(())
    }

    /// Sets (or replaces, or clears) a store's epoch deadline callback:
    /// refused exactly when the engine has no epochs. A callback lets the
    /// guest go on a few times, then interrupts it, so deadlines still bound
    /// guest code.
    fn epoch_callback(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let s = &self.stores[u.choose_index(self.stores.len())?];
        let epoch = self.engine(s.engine).epoch;
        if u.ratio(1u8, 4u8)? {
            let err = unsafe { wasmpool_store_epoch_deadline_callback(s.ptr, None, null_mut(), None) };
            let refused = check(err, "epoch_deadline_callback(clear)", SETTER).is_some();
            assert_eq!(refused, !epoch, "clearing the epoch callback: refused = {refused} with epochs {epoch}");
            return Ok(());
        }
        let env = Box::into_raw(Box::new(EpochEnv { continues: Cell::new(u.int_in_range(0..=3u32)?) }));
        let err =
            unsafe { wasmpool_store_epoch_deadline_callback(s.ptr, Some(epoch_callback), env.cast(), Some(epoch_finalizer)) };
        let refused = check(err, "epoch_deadline_callback", SETTER).is_some();
        assert_eq!(refused, !epoch, "epoch callback: refused = {refused} with epochs {epoch}");
        if refused {
            // Not taken: env stays ours and the finalizer must not run.
            // SAFETY: from Box::into_raw above, not handed over.
            drop(unsafe { Box::from_raw(env) });
        } else {
            DEFINED.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// `wasmpool_error_exception_tag_is`: Some(answer), or None for a LINK error.
fn tag_is(err: Err, inst: *const wasmpool_instance_t, name: &CStr) -> Option<bool> {
    let mut out = false;
    let e = unsafe { wasmpool_error_exception_tag_is(err, inst, name.as_ptr(), &mut out) };
    check(e, "exception_tag_is", LOOKUP).is_none().then_some(out)
}

/// The trace and exception accessors of `err` (NULL or not), in range and
/// out of range; `err` is left for the caller to check and delete.
fn inspect(err: Err, inst: *const wasmpool_instance_t, u: &mut Unstructured) -> arbitrary::Result<()> {
    let frames = unsafe { wasmpool_error_trace_count(err) };
    let past = [frames, frames + 1, usize::MAX, interesting_u64(u)? as usize];
    for i in (0..frames).chain(past) {
        let mut f: wasmpool_trace_frame_t = zeroed();
        f.line = 0xDEAD;
        let e = unsafe { wasmpool_error_trace_frame(err, i, &mut f) };
        if i < frames {
            check(e, "error_trace_frame", &[]);
            assert!(!f.func_name.is_null() || f.func_name_len == 0, "frame {i}: no name but a length");
            assert!(!f.module_name.is_null() || f.module_name_len == 0, "frame {i}: no module name but a length");
            assert!(!f.file.is_null() || f.file_len == 0, "frame {i}: no file but a length");
            if f.module_offset != usize::MAX && f.func_offset != usize::MAX {
                assert!(f.func_offset <= f.module_offset, "frame {i}: offset in function past offset in module");
            }
        } else {
            assert_eq!(check(e, "error_trace_frame(past the end)", SETTER), Some(WASMPOOL_ERROR_INVALID_ARGUMENT));
            assert_eq!(f.line, 0xDEAD, "error_trace_frame: *out written on failure");
        }
    }
    let is_exception = !err.is_null() && unsafe { wasmpool_error_kind(err) } == WASMPOOL_ERROR_EXCEPTION;
    let count = unsafe { wasmpool_error_exception_payload_count(err) };
    assert!(is_exception || count == 0, "payload count {count} for an error that is not an exception");
    for i in [count, usize::MAX, interesting_u64(u)? as usize] {
        if i < count {
            continue;
        }
        let mut v: wasmpool_val_t = zeroed();
        v.kind = 99;
        let e = unsafe { wasmpool_error_exception_payload(err, i, &mut v) };
        assert_eq!(check(e, "exception_payload(out of range)", SETTER), Some(WASMPOOL_ERROR_INVALID_ARGUMENT));
        assert_eq!(v.kind, 99, "exception_payload: *out written on failure");
    }
    if !is_exception {
        let mut out = true;
        let e = unsafe { wasmpool_error_exception_tag_is(err, inst, c"e".as_ptr(), &mut out) };
        assert_eq!(check(e, "exception_tag_is(not an exception)", SETTER), Some(WASMPOOL_ERROR_INVALID_ARGUMENT));
        assert!(out, "exception_tag_is: *out written on failure");
    }
    Ok(())
}

/// An epoch callback's state: how many more times it lets the guest go on.
struct EpochEnv {
    continues: Cell<u32>,
}

unsafe extern "C" fn epoch_callback(
    env: *mut c_void,
    _store_data: *mut c_void,
    delta: *mut u64,
    action: *mut u32,
) -> *mut wasmpool_error_t {
    // SAFETY: the EpochEnv given with the callback, alive until its finalizer;
    // both out-pointers valid for the call.
    let env = unsafe { &*(env as *const EpochEnv) };
    let (delta, action) = unsafe { (&mut *delta, &mut *action) };
    assert_eq!((*delta, *action), (1, wasmpool_epoch_action_t::WASMPOOL_EPOCH_ACTION_CONTINUE as u32), "callback inputs");
    match env.continues.get() {
        0 => *action = wasmpool_epoch_action_t::WASMPOOL_EPOCH_ACTION_INTERRUPT as u32,
        n => env.continues.set(n - 1),
    }
    null_mut()
}

unsafe extern "C" fn epoch_finalizer(env: *mut c_void) {
    // SAFETY: the Box leaked by `epoch_callback` above.
    drop(unsafe { Box::from_raw(env as *mut EpochEnv) });
    FINALIZED.fetch_add(1, Ordering::SeqCst);
}
