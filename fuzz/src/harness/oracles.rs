//! What may come out of a call: success, or an error of a kind the header
//! documents for it (checked by [`check`]); and what a pool must look like.

use super::*;

pub(super) fn kind_name(k: wasmpool_error_kind_t) -> &'static str {
    match k {
        WASMPOOL_ERROR_INVALID_ARGUMENT => "INVALID_ARGUMENT",
        WASMPOOL_ERROR_ENGINE => "ENGINE",
        WASMPOOL_ERROR_COMPILE => "COMPILE",
        WASMPOOL_ERROR_LINK => "LINK",
        WASMPOOL_ERROR_LIMIT_EXCEEDED => "LIMIT_EXCEEDED",
        WASMPOOL_ERROR_POOL_EXHAUSTED => "POOL_EXHAUSTED",
        WASMPOOL_ERROR_TRAP => "TRAP",
        WASMPOOL_ERROR_INTERRUPTED => "INTERRUPTED",
        WASMPOOL_ERROR_OUT_OF_FUEL => "OUT_OF_FUEL",
        WASMPOOL_ERROR_IO => "IO",
        WASMPOOL_ERROR_PANIC => "PANIC",
        WASMPOOL_ERROR_EXCEPTION => "EXCEPTION",
        _ => "OTHER",
    }
}

/// Checks an error returned by `what`: NULL (success) or one of `allowed`, with a
/// proper message and trap code. Releases it and returns its kind.
pub(super) fn check(err: Err, what: &str, allowed: &[wasmpool_error_kind_t]) -> Option<wasmpool_error_kind_t> {
    check_full(err, what, allowed, false)
}

/// As [`check`]; `empty_ok` for errors whose message the caller chose (traps made
/// by `wasmpool_trap_new("")`).
pub(super) fn check_full(
    err: Err,
    what: &str,
    allowed: &[wasmpool_error_kind_t],
    empty_ok: bool,
) -> Option<wasmpool_error_kind_t> {
    if err.is_null() {
        return None;
    }
    let kind = unsafe { wasmpool_error_kind(err) };
    let msg_ptr = unsafe { wasmpool_error_message(err) };
    assert!(!msg_ptr.is_null(), "{what}: NULL error message");
    // SAFETY: a NUL-terminated string valid until the error is deleted.
    let msg = unsafe { CStr::from_ptr(msg_ptr) }.to_str().unwrap_or_else(|_| panic!("{what}: message is not UTF-8"));
    let msg = msg.to_owned();
    assert!(empty_ok || !msg.is_empty(), "{what}: empty error message (kind {})", kind_name(kind));
    assert!(kind != WASMPOOL_ERROR_PANIC, "{what}: PANIC error: {msg}");
    assert!(
        allowed.contains(&kind),
        "{what}: error kind {} is not documented for this call: {msg}",
        kind_name(kind)
    );
    let mut code = MaybeUninit::<wasmpool_trap_code_t>::uninit();
    let is_trap = unsafe { wasmpool_error_trap_code(err, code.as_mut_ptr()) };
    let trap_kind = matches!(kind, WASMPOOL_ERROR_TRAP | WASMPOOL_ERROR_INTERRUPTED | WASMPOOL_ERROR_OUT_OF_FUEL);
    assert_eq!(is_trap, trap_kind, "{what}: trap code presence does not match kind {}: {msg}", kind_name(kind));
    if is_trap {
        // SAFETY: written when true is returned.
        let code = unsafe { code.assume_init() } as u32;
        if kind == WASMPOOL_ERROR_INTERRUPTED {
            assert_eq!(code, wasmpool_trap_code_t::WASMPOOL_TRAP_INTERRUPT as u32, "{what}: INTERRUPTED with code {code}");
        }
        if kind == WASMPOOL_ERROR_OUT_OF_FUEL {
            assert_eq!(code, wasmpool_trap_code_t::WASMPOOL_TRAP_OUT_OF_FUEL as u32, "{what}: OUT_OF_FUEL with code {code}");
        }
    }
    unsafe { wasmpool_error_delete(err) };
    Some(kind)
}

// The error kinds each family of calls may return.
pub(super) const SETTER: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT];
pub(super) const ENGINE_NEW: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_ENGINE];
pub(super) const MODULE_NEW: &[wasmpool_error_kind_t] =
    &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_COMPILE, WASMPOOL_ERROR_LIMIT_EXCEEDED];
pub(super) const INSTANTIATE: &[wasmpool_error_kind_t] = &[
    WASMPOOL_ERROR_INVALID_ARGUMENT,
    WASMPOOL_ERROR_LINK,
    WASMPOOL_ERROR_POOL_EXHAUSTED,
    WASMPOOL_ERROR_TRAP,
    WASMPOOL_ERROR_LIMIT_EXCEEDED,
    WASMPOOL_ERROR_INTERRUPTED,
    WASMPOOL_ERROR_OUT_OF_FUEL,
    WASMPOOL_ERROR_OTHER,
];
pub(super) const CALL: &[wasmpool_error_kind_t] = &[
    WASMPOOL_ERROR_INVALID_ARGUMENT,
    WASMPOOL_ERROR_LINK,
    WASMPOOL_ERROR_TRAP,
    WASMPOOL_ERROR_INTERRUPTED,
    WASMPOOL_ERROR_OUT_OF_FUEL,
    WASMPOOL_ERROR_EXCEPTION,
    WASMPOOL_ERROR_LIMIT_EXCEEDED,
    // An async engine's first call in a store takes a fiber stack from the pool.
    WASMPOOL_ERROR_POOL_EXHAUSTED,
];
pub(super) const LOOKUP: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_LINK];
pub(super) const SERIALIZE: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_OTHER];
pub(super) const DESERIALIZE: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_COMPILE];

pub(super) fn metrics(engine: *const wasmpool_engine_t) -> wasmpool_metrics_t {
    let mut m: wasmpool_metrics_t = zeroed();
    m.struct_size = size_of::<wasmpool_metrics_t>();
    check(unsafe { wasmpool_engine_metrics(engine, &mut m) }, "engine_metrics", &[]);
    m
}

/// The pool of `engine` has nothing live (every store of it is deleted).
pub(super) fn assert_pool_empty(engine: *const wasmpool_engine_t, what: &str) {
    let m = metrics(engine);
    if m.pooling {
        assert!(
            m.core_instances == 0 && m.memories == 0 && m.tables == 0 && m.component_instances == 0,
            "{what}: pool not back to 0 live: {} instances, {} memories, {} tables",
            m.core_instances,
            m.memories,
            m.tables
        );
        assert!(m.unused_warm_memories <= m.total_memories, "{what}: more warm memories than slots");
        assert!(m.unused_warm_tables <= m.total_tables, "{what}: more warm tables than slots");
    } else {
        assert!(m.core_instances == 0 && m.total_memories == 0, "{what}: on-demand engine reports a pool");
    }
}

/// Capacities and live counts are consistent.
pub(super) fn assert_pool_sane(engine: *const wasmpool_engine_t) {
    let m = metrics(engine);
    if m.pooling {
        assert!(m.core_instances <= m.total_core_instances, "more live instances than slots");
        assert!(m.memories <= m.total_memories, "more live memories than slots");
        assert!(m.tables <= m.total_tables, "more live tables than slots");
    }
}
