//! A Rust panic inside an export never crosses into C: fallible exports
//! return a PANIC error, the others their documented default, and the
//! process and the library stay usable.

use std::ffi::CStr;

use super::test_hooks::panic_next_call;
use crate::*;

#[test]
fn panics_become_errors_and_defaults() {
    // SAFETY: every pointer passed below is NULL (allowed) or a live handle
    // made in this test.
    unsafe {
        let cfg = wasmpool_config_new();
        assert!(!cfg.is_null());

        // A fallible export: PANIC error with the payload in the message.
        panic_next_call();
        let err = wasmpool_config_total_memories_set(cfg, 7);
        assert!(!err.is_null());
        assert_eq!(wasmpool_error_kind(err), wasmpool_error_kind_t::WASMPOOL_ERROR_PANIC);
        let msg = CStr::from_ptr(wasmpool_error_message(err)).to_str().unwrap().to_owned();
        assert!(msg.contains("injected by the test hook"), "{msg}");
        wasmpool_error_delete(err);
        // The panic happened before the body ran: nothing changed.
        assert_eq!(wasmpool_config_total_memories_get(cfg), 1000);

        // A getter: its documented default (the knob's default).
        panic_next_call();
        assert_eq!(wasmpool_config_total_memories_get(cfg), 1000);
        panic_next_call();
        assert_eq!(wasmpool_engine_strategy(std::ptr::null()), wasmpool_strategy_t::WASMPOOL_STRATEGY_AUTO);

        // An engine creation that panics leaves `out` untouched.
        let mut engine: *mut wasmpool_engine_t = std::ptr::null_mut();
        panic_next_call();
        let err = wasmpool_engine_new(cfg, &mut engine);
        assert_eq!(wasmpool_error_kind(err), wasmpool_error_kind_t::WASMPOOL_ERROR_PANIC);
        assert!(engine.is_null());
        wasmpool_error_delete(err);

        // Everything works afterwards.
        assert!(wasmpool_config_total_memories_set(cfg, 4).is_null());
        assert!(wasmpool_config_total_core_instances_set(cfg, 4).is_null());
        assert!(wasmpool_engine_new(cfg, &mut engine).is_null());
        assert_eq!(wasmpool_engine_strategy(engine), wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING);
        // A delete that panics leaks rather than crashing.
        panic_next_call();
        wasmpool_engine_delete(engine);
        wasmpool_config_delete(cfg);
    }
}
