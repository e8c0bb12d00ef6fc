//! A module's imports and exports as the API lists them (every listing
//! checked), and calling an exported function.

use super::*;

#[derive(Clone, Debug)]
pub(super) struct FuncExport {
    pub(super) name: CString,
    pub(super) params: Vec<u32>,
    pub(super) results: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Exports {
    pub(super) funcs: Vec<FuncExport>,
    pub(super) memories: Vec<CString>,
    pub(super) globals: Vec<CString>,
    pub(super) others: Vec<CString>,
}

/// A function type read from an extern info: parameter and result kinds.
pub(super) fn kinds(p: *const u32, n: usize) -> Vec<u32> {
    if n == 0 {
        return Vec::new();
    }
    assert!(!p.is_null(), "extern info: NULL kinds array with count {n}");
    // SAFETY: the API promises `n` kinds, borrowed from the module or store.
    let v = unsafe { std::slice::from_raw_parts(p, n) }.to_vec();
    for k in &v {
        assert!(*k <= wasmpool_valkind_t::WASMPOOL_VALKIND_EXNREF as u32, "extern info: kind {k} out of range");
    }
    v
}

pub(super) fn cstr_of<'a>(p: *const c_char, what: &str) -> &'a str {
    assert!(!p.is_null(), "{what}: NULL string");
    // SAFETY: the API promises a NUL-terminated string that outlives this use.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap_or_else(|_| panic!("{what}: not UTF-8"))
}

/// Whether a listed name had a NUL in the module (listings spell it `\0`).
pub(super) fn has_nul_escape(name: &CStr) -> bool {
    name.to_bytes().windows(2).any(|w| w == b"\\0")
}

/// Lists a module's imports and exports through the API, checking the info.
pub(super) fn exports_of(module: *const wasmpool_module_t) -> (Exports, usize) {
    let mut ex = Exports::default();
    let n_imports = unsafe { wasmpool_module_import_count(module) };
    for i in 0..n_imports {
        let mut info: wasmpool_extern_info_t = zeroed();
        check(unsafe { wasmpool_module_import(module, i, &mut info) }, "module_import", &[]);
        cstr_of(info.module, "import module name");
        cstr_of(info.name, "import name");
        kinds(info.params, info.nparams);
        kinds(info.results, info.nresults);
    }
    let mut info: wasmpool_extern_info_t = zeroed();
    check(unsafe { wasmpool_module_import(module, n_imports, &mut info) }, "module_import(out of range)", SETTER)
        .expect("module_import past the end succeeded");
    let n_exports = unsafe { wasmpool_module_export_count(module) };
    for i in 0..n_exports {
        let mut info: wasmpool_extern_info_t = zeroed();
        check(unsafe { wasmpool_module_export(module, i, &mut info) }, "module_export", &[]);
        assert!(info.module.is_null(), "export info has a module name");
        let name = CString::new(cstr_of(info.name, "export name")).unwrap();
        match info.kind {
            wasmpool_externkind_t::WASMPOOL_EXTERN_FUNC => ex.funcs.push(FuncExport {
                name,
                params: kinds(info.params, info.nparams),
                results: kinds(info.results, info.nresults),
            }),
            wasmpool_externkind_t::WASMPOOL_EXTERN_MEMORY => ex.memories.push(name),
            wasmpool_externkind_t::WASMPOOL_EXTERN_GLOBAL => ex.globals.push(name),
            _ => ex.others.push(name),
        }
    }
    check(unsafe { wasmpool_module_export(module, n_exports, &mut info) }, "module_export(out of range)", SETTER)
        .expect("module_export past the end succeeded");
    (ex, n_imports)
}

/// Calls export `name` of `inst`: by name (`wasmpool_instance_call`) or through a
/// function handle (`wasmpool_instance_func` + `wasmpool_func_call`), which must
/// behave the same. A failed lookup is returned as the call's error.
pub(super) fn call(
    inst: *mut wasmpool_instance_t,
    name: &CStr,
    args: &[wasmpool_val_t],
    res: &mut [wasmpool_val_t],
    by_handle: bool,
) -> Err {
    let args_ptr = if args.is_empty() { null() } else { args.as_ptr() };
    let res_ptr = if res.is_empty() { null_mut() } else { res.as_mut_ptr() };
    if !by_handle {
        return unsafe { wasmpool_instance_call(inst, name.as_ptr(), args_ptr, args.len(), res_ptr, res.len()) };
    }
    let mut func = null_mut();
    let err = unsafe { wasmpool_instance_func(inst, name.as_ptr(), &mut func) };
    if !err.is_null() {
        assert!(func.is_null(), "instance_func: out-parameter written on failure");
        return err;
    }
    assert!(!func.is_null(), "instance_func: success without a handle");
    unsafe { wasmpool_func_call(func, args_ptr, args.len(), res_ptr, res.len()) }
}

pub(super) fn count_call(outcome: Option<wasmpool_error_kind_t>) {
    stat(|s| match outcome {
        None => s.calls_ok += 1,
        Some(WASMPOOL_ERROR_TRAP | WASMPOOL_ERROR_OUT_OF_FUEL | WASMPOOL_ERROR_INTERRUPTED) => s.traps += 1,
        Some(_) => s.calls_err += 1,
    });
}

/// Reads the first and the last byte of a guest memory and writes each back.
///
/// # Safety
/// `data` points to `size` (> 0) writable bytes.
pub(super) unsafe fn rewrite_ends(data: *mut u8, size: usize) {
    // SAFETY: the caller's promise.
    unsafe {
        data.write_volatile(data.read_volatile());
        let last = data.add(size - 1);
        last.write_volatile(last.read_volatile());
    }
}
