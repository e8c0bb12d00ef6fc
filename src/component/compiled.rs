//! `wasmpool_component_t`: a compiled component, and its import and export
//! listings (function exports of nested interfaces included, under the
//! names `wasmpool_component_instance_call` takes: `ns:pkg/iface@ver#f`).

use std::ffi::{CString, c_char};
use std::sync::Arc;

use wasmtime::component::types::{ComponentFunc, ComponentItem};

use crate::component::call::CallSig;
use crate::component::types::{find_part, wasmpool_component_type_t};
use crate::component::val::wasmpool_component_valkind_t;

use crate::abi::{self, Boxed, Error, Handle, Result, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::bytes::wasmpool_bytes_t;
use crate::files;
use crate::artifact::{self, Artifact};
use crate::engine::wasmpool_engine_t;

/// What an import or export of a component is.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_component_itemkind_t {
    /// A component function (callable by name).
    WASMPOOL_COMPONENT_ITEM_FUNC = 0,
    /// An instance (an interface): its functions are listed after it as
    /// `<instance>#<function>`.
    WASMPOOL_COMPONENT_ITEM_INSTANCE = 1,
    /// A resource type.
    WASMPOOL_COMPONENT_ITEM_RESOURCE = 2,
    /// A value type.
    WASMPOOL_COMPONENT_ITEM_TYPE = 3,
    /// A core module.
    WASMPOOL_COMPONENT_ITEM_MODULE = 4,
    /// A nested component.
    WASMPOOL_COMPONENT_ITEM_COMPONENT = 5,
    /// A core function.
    WASMPOOL_COMPONENT_ITEM_CORE_FUNC = 6,
}
abi::c_enum!(wasmpool_component_itemkind_t, "WASMPOOL_COMPONENT_ITEM_");

/// One import or export of a component.
///
/// The strings are borrowed from the component and valid until
/// `wasmpool_component_delete`. Never free them.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasmpool_component_item_t {
    /// The item's full name: `greet`, `example:kv/store@0.1.0`, or
    /// `example:kv/store@0.1.0#get` for a function of an interface.
    pub name: *const c_char,
    /// What the item is.
    pub kind: wasmpool_component_itemkind_t,
    /// For functions: the WIT signature, e.g. `func(name: string) -> string`;
    /// for value types, the WIT type; otherwise an empty string.
    pub wit: *const c_char,
    /// For functions: the parameter names (`nparams` of them, in order);
    /// otherwise NULL.
    pub param_names: *const *const c_char,
    /// For functions: the parameter types (`nparams`), to build arguments
    /// (`wasmpool_component_val_from_wave`) or inspect them; otherwise NULL.
    pub param_types: *const *const wasmpool_component_type_t,
    /// How many parameters (0 for items other than functions).
    pub nparams: usize,
    /// For functions: the result types (`nresults`); otherwise NULL.
    pub result_types: *const *const wasmpool_component_type_t,
    /// How many results (0 for items other than functions).
    pub nresults: usize,
    /// For value types (`WASMPOOL_COMPONENT_ITEM_TYPE`): the type; otherwise
    /// NULL.
    pub type_: *const wasmpool_component_type_t,
}

/// Pointers into boxes that an [`ItemInfo`] owns, handed to C as arrays.
struct CArray<T>(Box<[*const T]>);

// SAFETY: the pointers point into immutable, `Sync` data owned by the same
// `ItemInfo` (C strings, types), which lives as long as the array.
unsafe impl<T: Sync> Send for CArray<T> {}
unsafe impl<T: Sync> Sync for CArray<T> {}

impl<T> CArray<T> {
    fn of<'a>(items: impl Iterator<Item = &'a T>) -> Self
    where
        T: 'a,
    {
        CArray(items.map(std::ptr::from_ref).collect())
    }

    /// The array for C (NULL when empty).
    fn ptr(&self) -> *const *const T {
        if self.0.is_empty() { std::ptr::null() } else { self.0.as_ptr() }
    }
}

/// A function's parameters and results as C reads them.
struct Signature {
    /// What `name_ptrs` points into.
    _names: Box<[CString]>,
    params: Box<[wasmpool_component_type_t]>,
    results: Box<[wasmpool_component_type_t]>,
    name_ptrs: CArray<c_char>,
    param_ptrs: CArray<wasmpool_component_type_t>,
    result_ptrs: CArray<wasmpool_component_type_t>,
}

impl Signature {
    fn of(f: &ComponentFunc) -> Self {
        let names: Box<[CString]> = f.params().map(|(n, _)| c(n)).collect();
        let params: Box<[wasmpool_component_type_t]> = f.params().map(|(_, t)| wasmpool_component_type_t::new(t)).collect();
        let results: Box<[wasmpool_component_type_t]> = f.results().map(wasmpool_component_type_t::new).collect();
        let name_ptrs = CArray(names.iter().map(|n| n.as_ptr()).collect());
        let param_ptrs = CArray::of(params.iter());
        let result_ptrs = CArray::of(results.iter());
        Signature { _names: names, params, results, name_ptrs, param_ptrs, result_ptrs }
    }
}

/// One listed item, with its C strings and (for functions) its type.
pub(crate) struct ItemInfo {
    pub(crate) name: CString,
    pub(crate) kind: wasmpool_component_itemkind_t,
    pub(crate) wit: CString,
    /// What calls are checked against, for functions that pass no
    /// resources (resource types are the instance's: a function that passes
    /// them gets its signature when it is looked up in an instance).
    pub(crate) call: Option<Arc<CallSig>>,
    signature: Option<Signature>,
    value_type: Option<wasmpool_component_type_t>,
}

impl ItemInfo {
    fn to_c(&self) -> wasmpool_component_item_t {
        let sig = self.signature.as_ref();
        wasmpool_component_item_t {
            name: self.name.as_ptr(),
            kind: self.kind,
            wit: self.wit.as_ptr(),
            param_names: sig.map_or(std::ptr::null(), |s| s.name_ptrs.ptr()),
            param_types: sig.map_or(std::ptr::null(), |s| s.param_ptrs.ptr()),
            nparams: sig.map_or(0, |s| s.params.len()),
            result_types: sig.map_or(std::ptr::null(), |s| s.result_ptrs.ptr()),
            nresults: sig.map_or(0, |s| s.results.len()),
            type_: self.value_type.as_ref().map_or(std::ptr::null(), std::ptr::from_ref),
        }
    }
}

/// The listings of one component, built once when it is compiled.
pub(crate) struct ComponentInfo {
    pub(crate) imports: Vec<ItemInfo>,
    pub(crate) exports: Vec<ItemInfo>,
}

fn c(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// A function's WIT signature: `func(name: string, age: u32) -> string`.
fn func_wit(f: &ComponentFunc) -> String {
    use wasm_wave::wasm::DisplayType;
    let params: Vec<String> = f.params().map(|(name, ty)| format!("{name}: {}", DisplayType(&ty))).collect();
    let results: Vec<String> = f.results().map(|ty| DisplayType(&ty).to_string()).collect();
    match results.as_slice() {
        [] => format!("func({})", params.join(", ")),
        [one] => format!("func({}) -> {one}", params.join(", ")),
        many => format!("func({}) -> ({})", params.join(", "), many.join(", ")),
    }
}

/// Lists `item` as `name`, then, for an instance, its items as `name#item`.
fn list(engine: &wasmtime::Engine, name: &str, item: &ComponentItem, out: &mut Vec<ItemInfo>) {
    use wasmpool_component_itemkind_t as I;
    let (kind, wit, func) = match item {
        ComponentItem::ComponentFunc(f) => (I::WASMPOOL_COMPONENT_ITEM_FUNC, func_wit(f), Some(f.clone())),
        ComponentItem::ComponentInstance(_) => (I::WASMPOOL_COMPONENT_ITEM_INSTANCE, String::new(), None),
        ComponentItem::Resource(_) => (I::WASMPOOL_COMPONENT_ITEM_RESOURCE, String::new(), None),
        ComponentItem::Type(t) => (I::WASMPOOL_COMPONENT_ITEM_TYPE, wasm_wave::wasm::DisplayType(t).to_string(), None),
        ComponentItem::Module(_) => (I::WASMPOOL_COMPONENT_ITEM_MODULE, String::new(), None),
        ComponentItem::Component(_) => (I::WASMPOOL_COMPONENT_ITEM_COMPONENT, String::new(), None),
        ComponentItem::CoreFunc(_) => (I::WASMPOOL_COMPONENT_ITEM_CORE_FUNC, String::new(), None),
    };
    let signature = func.as_ref().map(Signature::of);
    let has_resources = func.as_ref().is_some_and(|f| {
        let resource = [wasmpool_component_valkind_t::WASMPOOL_COMPONENT_VALKIND_RESOURCE];
        f.params().map(|(_, t)| t).chain(f.results()).any(|t| find_part(&t, &resource).is_some())
    });
    let value_type = match item {
        ComponentItem::Type(t) => Some(wasmpool_component_type_t::new(t.clone())),
        _ => None,
    };
    let call = func.as_ref().filter(|_| !has_resources).map(|f| Arc::new(CallSig::of(f, name)));
    out.push(ItemInfo { name: c(name), kind, wit: c(&wit), call, signature, value_type });
    if let ComponentItem::ComponentInstance(inst) = item {
        for (inner, ext) in inst.exports(engine) {
            list(engine, &format!("{name}#{inner}"), &ext.ty, out);
        }
    }
}

impl ComponentInfo {
    fn of(component: &wasmtime::component::Component) -> Arc<Self> {
        let engine = component.engine();
        let ty = component.component_type();
        let mut imports = Vec::new();
        for (name, ext) in ty.imports(engine) {
            list(engine, name, &ext.ty, &mut imports);
        }
        let mut exports = Vec::new();
        for (name, ext) in ty.exports(engine) {
            list(engine, name, &ext.ty, &mut exports);
        }
        Arc::new(ComponentInfo { imports, exports })
    }

    /// The exported function listed as `name`, with its type.
    pub(crate) fn export_func(&self, name: &str) -> Option<&ItemInfo> {
        self.exports
            .iter()
            .find(|e| e.kind == wasmpool_component_itemkind_t::WASMPOOL_COMPONENT_ITEM_FUNC && e.name.as_bytes() == name.as_bytes())
    }
}

/// A component compiled for one engine. It can be instantiated any number of
/// times, in any store of the same engine, through a
/// `wasmpool_component_pre_t`.
///
/// Create with `wasmpool_component_new` (or `_new_file`, `_deserialize`,
/// `_deserialize_file`), release with `wasmpool_component_delete` (instances
/// and pre-instantiated components made from it stay valid).
///
/// Thread safety: may be used from any number of threads at once.
pub struct wasmpool_component_t {
    pub(crate) component: wasmtime::component::Component,
    pub(crate) info: Arc<ComponentInfo>,
}

impl Handle for wasmpool_component_t {
    type Ownership = Boxed;
}

impl wasmpool_component_t {
    fn new(component: wasmtime::component::Component) -> Self {
        let info = ComponentInfo::of(&component);
        wasmpool_component_t { component, info }
    }
}

/// The Wasmtime messages by which the pooling allocator refuses a component
/// that is valid but larger than its per-component limits (reported untyped),
/// and the knob each one names.
const POOL_LIMITS: &[(&str, &str)] = &[
    ("core module instances, which exceeds", "max_core_instances_per_component"),
    ("linear memories, which exceeds", "max_memories_per_component"),
    ("tables, which exceeds", "max_tables_per_component"),
    ("component instance size does not fit", "max_component_instance_size"),
    ("module memory does not fit", "max_memories_per_module / max_memory_size"),
    ("module table does not fit", "max_tables_per_module / table_elements"),
    ("module instance size does not fit", "max_core_instance_size"),
];

/// Classifies a failed compilation: a component this pool cannot host is
/// LIMIT_EXCEEDED naming the knob, anything else COMPILE.
fn compile_error(err: wasmtime::Error) -> Error {
    let message = format!("{err:?}");
    match POOL_LIMITS.iter().find(|(phrase, _)| message.contains(phrase)) {
        Some((_, knob)) => Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, format!("the component exceeds the pool's {knob}: {message}")),
        None => Error::new(K::WASMPOOL_ERROR_COMPILE, message),
    }
}

fn compile(engine: &wasmpool_engine_t, bytes: &[u8]) -> Result<wasmpool_component_t> {
    let binary = wat::parse_bytes(bytes)
        .map_err(|e| Error::new(K::WASMPOOL_ERROR_COMPILE, format!("invalid WebAssembly text: {e}")))?;
    wasmtime::component::Component::from_binary(&engine.engine, &binary)
        .map(wasmpool_component_t::new)
        .map_err(compile_error)
}

/// Compiles a component from `len` bytes at `bytes`: the component binary
/// format, or its text format (WAT) as UTF-8.
///
/// `engine` and `bytes` are borrowed for the call only. On success `*out`
/// receives a component owned by the caller (`wasmpool_component_delete`);
/// `engine` must outlive it.
///
/// Errors: INVALID_ARGUMENT (NULL `engine` or `out`, NULL `bytes` with a
/// non-zero `len`); COMPILE (not a valid component, or a core module);
/// LIMIT_EXCEEDED (valid, but over a per-component limit of the pool; the
/// message names the knob: `max_core_instances_per_component`,
/// `max_memories_per_component`, `max_tables_per_component`,
/// `max_component_instance_size`, ...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_new(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_component_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let bytes = abi::arg_slice(bytes, len, "bytes")?;
        let out = abi::out(out, "out")?;
        out.write(abi::into_boxed(compile(engine, bytes)?));
        Ok(())
    })
}

/// Compiles the component stored in the file at `path` (binary or text),
/// like `wasmpool_component_new`. Errors: as `wasmpool_component_new`, plus
/// IO when the file cannot be read (the message names the path).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_new_file(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut wasmpool_component_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let engine = abi::arg_ref(engine, "engine")?;
        let path = abi::arg_str(path, "path")?;
        let out = abi::out(out, "out")?;
        let bytes = files::read(path)?;
        out.write(abi::into_boxed(compile(engine, &bytes)?));
        Ok(())
    })
}

/// Releases `component`. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_delete(component: *mut wasmpool_component_t) {
    unsafe { abi::delete(component) }
}

/// Serialises `component`'s compiled code to `*out`, to be loaded later with
/// `wasmpool_component_deserialize` by an engine with the same configuration
/// and the same wasmpool version. The buffer is owned by the caller
/// (`wasmpool_bytes_delete`). Errors: INVALID_ARGUMENT (NULL argument); OTHER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_serialize(
    component: *const wasmpool_component_t,
    out: *mut *mut wasmpool_bytes_t,
) -> *mut wasmpool_error_t {
    artifact::serialize(component, out)
}

/// A load that failed: a component over the pool's limits (checked again
/// when it is loaded) is LIMIT_EXCEEDED as for a compile, anything else is
/// not a usable precompiled component.
impl Artifact for wasmpool_component_t {
    const WHAT: &'static str = "component";

    fn serialize(&self) -> wasmtime::Result<Vec<u8>> {
        self.component.serialize()
    }

    unsafe fn deserialize(engine: &wasmtime::Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        // SAFETY: passed on from the caller.
        unsafe { wasmtime::component::Component::deserialize(engine, bytes) }.map(Self::new)
    }

    unsafe fn deserialize_file(engine: &wasmtime::Engine, path: &str) -> wasmtime::Result<Self> {
        // SAFETY: passed on from the caller.
        unsafe { wasmtime::component::Component::deserialize_file(engine, path) }.map(Self::new)
    }

    fn load_error(err: wasmtime::Error) -> Error {
        let e = compile_error(err);
        match e.kind {
            K::WASMPOOL_ERROR_LIMIT_EXCEEDED => e,
            _ => Error::new(K::WASMPOOL_ERROR_COMPILE, format!("not a usable precompiled component: {}", e.message)),
        }
    }
}

/// Loads a component serialised by `wasmpool_component_serialize` from `len`
/// bytes at `bytes` (copied).
///
/// TRUSTED INPUT ONLY, as for `wasmpool_module_deserialize`: the bytes
/// contain machine code that will run as is. Errors: INVALID_ARGUMENT (NULL
/// argument); COMPILE (not a compatible precompiled component).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_deserialize(
    engine: *const wasmpool_engine_t,
    bytes: *const u8,
    len: usize,
    out: *mut *mut wasmpool_component_t,
) -> *mut wasmpool_error_t {
    // SAFETY: the trust requirement is the caller's, documented above.
    unsafe { artifact::deserialize(engine, bytes, len, out) }
}

/// Like `wasmpool_component_deserialize`, from the file at `path` (mapped,
/// not copied: the file must not change while the component lives). TRUSTED
/// INPUT ONLY. Errors: INVALID_ARGUMENT; IO (cannot open the file); COMPILE.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_deserialize_file(
    engine: *const wasmpool_engine_t,
    path: *const c_char,
    out: *mut *mut wasmpool_component_t,
) -> *mut wasmpool_error_t {
    // SAFETY: the trust requirement is the caller's, documented above.
    unsafe { artifact::deserialize_file(engine, path, out) }
}


/// Number of listed imports of `component` (0 if NULL): each import, and
/// each function of an imported interface.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_import_count(component: *const wasmpool_component_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(component).map_or(0, |c| c.info.imports.len()))
}

/// Describes listed import number `index` of `component` in `*out`; the
/// strings are borrowed from the component. Errors: INVALID_ARGUMENT (NULL
/// argument, index out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_import(
    component: *const wasmpool_component_t,
    index: usize,
    out: *mut wasmpool_component_item_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| abi::write_nth(&abi::arg_ref(component, "component")?.info.imports, index, "import", out, ItemInfo::to_c))
}

/// Number of listed exports of `component` (0 if NULL): each export, and
/// each function of an exported interface (as `<interface>#<function>`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_export_count(component: *const wasmpool_component_t) -> usize {
    abi::guard_value(0, || abi::opt_ref(component).map_or(0, |c| c.info.exports.len()))
}

/// Describes listed export number `index` of `component` in `*out`; the
/// strings are borrowed from the component. Errors: INVALID_ARGUMENT (NULL
/// argument, index out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_export(
    component: *const wasmpool_component_t,
    index: usize,
    out: *mut wasmpool_component_item_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| abi::write_nth(&abi::arg_ref(component, "component")?.info.exports, index, "export", out, ItemInfo::to_c))
}
