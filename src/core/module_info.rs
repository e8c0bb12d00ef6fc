//! Import and export listings of a module, with C strings and kind arrays
//! built once per module so that the pointers handed out stay valid as long
//! as the module (or an instance of it) lives.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ffi::{CString, c_char};
use std::sync::Arc;

use crate::abi::raw;
use crate::abi::wasmpool_error_t;
use crate::abi;
use crate::core::module::wasmpool_module_t;
use crate::core::val::describe;

/// What an import or export is.
#[repr(C)]
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wasmpool_externkind_t {
    /// A function (its type is in `params` / `results`).
    WASMPOOL_EXTERN_FUNC = 0,
    /// A global.
    WASMPOOL_EXTERN_GLOBAL = 1,
    /// A table.
    WASMPOOL_EXTERN_TABLE = 2,
    /// A linear memory.
    WASMPOOL_EXTERN_MEMORY = 3,
    /// An exception tag.
    WASMPOOL_EXTERN_TAG = 4,
}

/// One import or export of a module.
///
/// Every pointer is borrowed from the module (for `wasmpool_module_import` /
/// `_export`) or from the instance's store (for `wasmpool_instance_func_type`)
/// and stays valid until that is deleted. Never free them.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_extern_info_t {
    /// The import's module name; NULL for exports.
    pub module: *const c_char,
    /// The item's name.
    pub name: *const c_char,
    /// What the item is.
    pub kind: wasmpool_externkind_t,
    /// For functions: the parameter kinds (`nparams` of them); else NULL.
    pub params: *const raw::wasmpool_valkind_t,
    /// Number of parameters (0 for non-functions).
    pub nparams: usize,
    /// For functions: the result kinds (`nresults` of them); else NULL.
    pub results: *const raw::wasmpool_valkind_t,
    /// Number of results (0 for non-functions).
    pub nresults: usize,
}

/// An owned import/export description behind a `wasmpool_extern_info_t`.
pub(crate) struct ExternInfo {
    module: Option<CString>,
    pub(crate) name: CString,
    pub(crate) kind: wasmpool_externkind_t,
    pub(crate) params: Vec<raw::wasmpool_valkind_t>,
    pub(crate) results: Vec<raw::wasmpool_valkind_t>,
    /// For exports: Wasmtime's index, for O(1) lookups in instances.
    pub(crate) index: Option<wasmtime::ModuleExport>,
}

impl ExternInfo {
    pub(crate) fn new(module: Option<&str>, name: &str, ty: &wasmtime::ExternType) -> Self {
        let c = |s: &str| CString::new(s.replace('\0', "\\0")).unwrap_or_default();
        let (kind, params, results) = match ty {
            wasmtime::ExternType::Func(f) => (
                wasmpool_externkind_t::WASMPOOL_EXTERN_FUNC,
                f.params().map(|t| describe(&t)).collect(),
                f.results().map(|t| describe(&t)).collect(),
            ),
            wasmtime::ExternType::Global(_) => (wasmpool_externkind_t::WASMPOOL_EXTERN_GLOBAL, vec![], vec![]),
            wasmtime::ExternType::Table(_) => (wasmpool_externkind_t::WASMPOOL_EXTERN_TABLE, vec![], vec![]),
            wasmtime::ExternType::Memory(_) => (wasmpool_externkind_t::WASMPOOL_EXTERN_MEMORY, vec![], vec![]),
            wasmtime::ExternType::Tag(_) => (wasmpool_externkind_t::WASMPOOL_EXTERN_TAG, vec![], vec![]),
        };
        ExternInfo { module: module.map(c), name: c(name), kind, params, results, index: None }
    }

    pub(crate) fn to_c(&self) -> wasmpool_extern_info_t {
        let arr = |v: &Vec<u32>| if v.is_empty() { std::ptr::null() } else { v.as_ptr() };
        wasmpool_extern_info_t {
            module: self.module.as_ref().map_or(std::ptr::null(), |m| m.as_ptr()),
            name: self.name.as_ptr(),
            kind: self.kind,
            params: arr(&self.params),
            nparams: self.params.len(),
            results: arr(&self.results),
            nresults: self.results.len(),
        }
    }
}

/// The listings of one module.
pub(crate) struct ModuleInfo {
    pub(crate) imports: Vec<ExternInfo>,
    pub(crate) exports: Vec<ExternInfo>,
    by_name: HashMap<String, usize, BuildHasherDefault<Fnv>>,
}

/// FNV-1a: export names are short and come from a module the host chose to
/// load, so a fast non-keyed hash is the right trade for a per-call lookup.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl ModuleInfo {
    pub(crate) fn of(module: &wasmtime::Module) -> Arc<Self> {
        let exports: Vec<ExternInfo> = module
            .exports()
            .map(|e| ExternInfo { index: module.get_export_index(e.name()), ..ExternInfo::new(None, e.name(), &e.ty()) })
            .collect();
        let by_name = module.exports().enumerate().map(|(i, e)| (e.name().to_string(), i)).collect();
        Arc::new(ModuleInfo {
            imports: module.imports().map(|i| ExternInfo::new(Some(i.module()), i.name(), &i.ty())).collect(),
            exports,
            by_name,
        })
    }

    pub(crate) fn export(&self, name: &str) -> Option<&ExternInfo> {
        self.export_index(name).map(|i| &self.exports[i])
    }

    pub(crate) fn export_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}


/// Number of imports of `module` (0 if `module` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_import_count(module: *const wasmpool_module_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(module).map_or(0, |m| m.info.imports.len()))
}

/// Describes import number `index` (0-based, in module order) of `module`
/// in `*out`; the strings and arrays are borrowed from the module.
/// Errors: INVALID_ARGUMENT (NULL argument, index out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_import(
    module: *const wasmpool_module_t,
    index: usize,
    out: *mut wasmpool_extern_info_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| abi::write_nth(&abi::arg_ref(module, "module")?.info.imports, index, "import", out, ExternInfo::to_c))
}

/// Number of exports of `module` (0 if `module` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_export_count(module: *const wasmpool_module_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(module).map_or(0, |m| m.info.exports.len()))
}

/// Describes export number `index` of `module` in `*out` (`module` field
/// NULL); borrowed from the module. Errors: INVALID_ARGUMENT (NULL argument,
/// index out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_module_export(
    module: *const wasmpool_module_t,
    index: usize,
    out: *mut wasmpool_extern_info_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| abi::write_nth(&abi::arg_ref(module, "module")?.info.exports, index, "export", out, ExternInfo::to_c))
}

/// A short word for the kind of an import or export.
pub(crate) fn extern_kind_name(ty: &wasmtime::ExternType) -> &'static str {
    match ty {
        wasmtime::ExternType::Func(_) => "function",
        wasmtime::ExternType::Global(_) => "global",
        wasmtime::ExternType::Table(_) => "table",
        wasmtime::ExternType::Memory(_) => "memory",
        wasmtime::ExternType::Tag(_) => "tag",
    }
}
