//! `wasmpool_table_t`: tables as handles, made by the host
//! (`wasmpool_table_new`) or taken from an instance's exports
//! (`wasmpool_instance_export_table`); read, written, grown, and given to
//! other modules through a linker (`wasmpool_linker_define_table`).
//! Elements pass as `wasmpool_func_t` handles (NULL for null) through
//! `wasmpool_table_get` / `_set` / `_grow`, for function tables, and as
//! values (`wasmpool_val_t` of a reference kind) through the `_val`
//! variants, for tables of every reference type.

use std::ffi::c_char;

use crate::abi::{self, CEnum, Error, Handle, Result, StoreOwned, raw, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::core::externs::{StoreRef, instance_export, keep};
use crate::core::instance::{FuncTy, wasmpool_func_t, wasmpool_instance_t};
use crate::core::module_info::ExternInfo;
use crate::core::names::arg_name;
use crate::core::refval;
use crate::core::val::{wasmpool_val_t, wasmpool_valkind_t, wasmpool_valunion_t};
use crate::store::data::{StoreData, WStore};
use wasmtime::{AsContextMut, StoreContextMut};
use crate::store::wasmpool_store_t;

/// The element type of a table: the top of its reference type's hierarchy
/// (a table of typed function references is a `FUNCREF` table).
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray, strum::IntoStaticStr, strum::FromRepr)]
pub enum wasmpool_reftype_t {
    /// Function references (`funcref`); elements are `wasmpool_func_t`.
    WASMPOOL_REFTYPE_FUNCREF = 0,
    /// External references (`externref`); elements are EXTERNREF values.
    WASMPOOL_REFTYPE_EXTERNREF = 1,
    /// GC references (`anyref` and below); elements are ANYREF values.
    WASMPOOL_REFTYPE_ANYREF = 2,
    /// Exception references (`exnref`); only null elements pass.
    WASMPOOL_REFTYPE_EXNREF = 3,
}

abi::c_enum!(wasmpool_reftype_t, "WASMPOOL_REFTYPE_");

/// The type of a table.
///
/// Plain data: filled by the host for `wasmpool_table_new`, by wasmpool for
/// `wasmpool_table_type`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasmpool_tabletype_t {
    /// One of `wasmpool_reftype_t`.
    pub element: raw::wasmpool_reftype_t,
    /// Elements the table starts with.
    pub minimum: u64,
    /// Elements the table may grow to, when `has_maximum` is true.
    pub maximum: u64,
    /// Whether `maximum` applies.
    pub has_maximum: bool,
    /// A table indexed by i64 (the memory64 proposal's table64).
    pub is_64: bool,
}

/// A table of a store: made by `wasmpool_table_new`, or an instance's
/// export (`wasmpool_instance_export_table`).
///
/// Owned by its store (no delete): valid until `wasmpool_store_delete`;
/// every call that returns one makes a new handle, kept until then. Thread
/// safety: as its store.
pub struct wasmpool_table_t {
    pub(crate) table: wasmtime::Table,
    pub(crate) store: StoreRef,
}

impl Handle for wasmpool_table_t {
    type Ownership = StoreOwned;
}

fn heap_type(element: wasmpool_reftype_t) -> wasmtime::HeapType {
    use wasmpool_reftype_t as R;
    match element {
        R::WASMPOOL_REFTYPE_FUNCREF => wasmtime::HeapType::Func,
        R::WASMPOOL_REFTYPE_EXTERNREF => wasmtime::HeapType::Extern,
        R::WASMPOOL_REFTYPE_ANYREF => wasmtime::HeapType::Any,
        R::WASMPOOL_REFTYPE_EXNREF => wasmtime::HeapType::Exn,
    }
}

fn element_of(ty: &wasmtime::RefType) -> wasmpool_reftype_t {
    use wasmpool_reftype_t as R;
    match ty.heap_type().top() {
        wasmtime::HeapType::Func => R::WASMPOOL_REFTYPE_FUNCREF,
        wasmtime::HeapType::Extern => R::WASMPOOL_REFTYPE_EXTERNREF,
        wasmtime::HeapType::Exn => R::WASMPOOL_REFTYPE_EXNREF,
        _ => R::WASMPOOL_REFTYPE_ANYREF,
    }
}

fn out_of_bounds(index: u64, size: u64) -> Error {
    Error::invalid(format!("index {index} is out of bounds (the table has {size} elements)"))
}

/// The null reference of a table's element type.
fn null_of(ty: &wasmtime::RefType) -> wasmtime::Ref {
    match element_of(ty) {
        wasmpool_reftype_t::WASMPOOL_REFTYPE_FUNCREF => wasmtime::Ref::Func(None),
        wasmpool_reftype_t::WASMPOOL_REFTYPE_EXTERNREF => wasmtime::Ref::Extern(None),
        wasmpool_reftype_t::WASMPOOL_REFTYPE_ANYREF => wasmtime::Ref::Any(None),
        wasmpool_reftype_t::WASMPOOL_REFTYPE_EXNREF => wasmtime::Ref::Exn(None),
    }
}

impl wasmpool_table_t {
    /// The table's store.
    ///
    /// # Safety
    /// As [`StoreRef::get`].
    unsafe fn store<'s>(&self) -> &'s mut WStore {
        // SAFETY: per the contract above.
        unsafe { self.store.get() }
    }

    /// Element `index`, or INVALID_ARGUMENT naming the bounds.
    fn get(&self, mut store: impl AsContextMut, index: u64) -> Result<wasmtime::Ref> {
        let size = self.table.size(&store);
        self.table.get(store.as_context_mut(), index).ok_or_else(|| out_of_bounds(index, size))
    }

    /// The reference `func` stands for in this table (NULL: null), checked
    /// against the table's store and element type; `what` names the argument.
    fn element(&self, func: *const wasmpool_func_t, what: &str) -> Result<wasmtime::Ref> {
        // SAFETY: the table's store is alive (caller contract).
        let ty = self.table.ty(&*unsafe { self.store() });
        let Some(func) = abi::opt_ref(func) else {
            return Ok(null_of(ty.element()));
        };
        if func.store != self.store {
            return Err(Error::invalid(format!("argument `{what}`: the function belongs to another store than the table")));
        }
        if element_of(ty.element()) != wasmpool_reftype_t::WASMPOOL_REFTYPE_FUNCREF {
            return Err(Error::invalid(format!("argument `{what}`: a function cannot be stored in a table of {}", ty.element())));
        }
        Ok(wasmtime::Ref::Func(Some(func.func)))
    }

    /// The reference the value `v` stands for in this table, checked
    /// against the table's store and element type; `what` names the
    /// argument.
    fn element_val(&self, v: &wasmpool_val_t, mut cx: StoreContextMut<'_, StoreData>, what: &str) -> Result<wasmtime::Ref> {
        let ty = wasmtime::ValType::Ref(self.table.ty(&cx).element().clone());
        let value = v.to_wasmtime(&ty, cx.as_context_mut(), &|| format!("argument `{what}`"))?;
        Ok(value.ref_().expect("a reference type gives a reference"))
    }
}

/// Creates a table of type `*ty` in `store`, every element null, and writes
/// its handle to `*out` (owned by the store).
///
/// The table is allocated for this store (not from the engine's pool) and
/// counts toward the store's limits (`table_elements`, `tables`).
/// Errors: INVALID_ARGUMENT (NULL argument, an unknown element type, a
/// maximum below the minimum, a type the engine's proposals do not allow);
/// LIMIT_EXCEEDED (the store's limits refuse it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_new(
    store: *mut wasmpool_store_t,
    ty: *const wasmpool_tabletype_t,
    out: *mut *mut wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| new_table(abi::arg_mut(store, "store")?, abi::arg_ref(ty, "ty")?, None, out))
}

/// `wasmpool_table_new` with every element set to `*init`, a value of the
/// table's kind (see `wasmpool_table_set_val`). Errors: as `wasmpool_table_new` and
/// `wasmpool_table_set_val`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_new_with_init(
    store: *mut wasmpool_store_t,
    ty: *const wasmpool_tabletype_t,
    init: *const wasmpool_val_t,
    out: *mut *mut wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let ty = abi::arg_ref(ty, "ty")?;
        new_table(store, ty, Some(abi::arg_ref(init, "init")?), out)
    })
}

fn new_table(
    store: &mut wasmpool_store_t,
    ty: &wasmpool_tabletype_t,
    init: Option<&wasmpool_val_t>,
    out: *mut *mut wasmpool_table_t,
) -> Result<()> {
    let out = abi::out(out, "out")?;
    let element = wasmpool_reftype_t::from_c(ty.element)
        .map_err(|e| Error::invalid(format!("argument `ty`: element: {}", e.message)))?;
    if ty.has_maximum && ty.maximum < ty.minimum {
        return Err(Error::invalid(format!(
            "argument `ty`: the maximum ({}) is below the minimum ({})",
            ty.maximum, ty.minimum
        )));
    }
    let reftype = wasmtime::RefType::new(true, heap_type(element));
    let max = ty.has_maximum.then_some(ty.maximum);
    let wty = if ty.is_64 {
        wasmtime::TableType::new64(reftype.clone(), ty.minimum, max)
    } else {
        let small = |n: u64| u32::try_from(n).map_err(|_| Error::invalid(format!("argument `ty`: {n} elements do not fit a 32-bit table")));
        wasmtime::TableType::new(reftype.clone(), small(ty.minimum)?, max.map(small).transpose()?)
    };
    let wstore = &mut store.store;
    wstore.data_mut().limiter.refused = None;
    let made = {
        let mut scope = wasmtime::RootScope::new(&mut *wstore);
        let first = match init {
            None => null_of(&reftype),
            Some(v) => {
                let value = v.to_wasmtime(&wasmtime::ValType::Ref(reftype.clone()), scope.as_context_mut(), &|| "argument `init`".to_string())?;
                value.ref_().expect("a reference type gives a reference")
            }
        };
        wasmtime::Table::new(&mut scope, wty, first)
    };
    let refused = wstore.data_mut().limiter.refused.take();
    let table = match (made, refused) {
        (Ok(table), _) => table,
        (Err(_), Some(why)) => return Err(Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, why)),
        (Err(e), None) => {
            let message = format!("cannot create the table: {e:?}");
            let kind = if message.contains("resource limit exceeded") {
                K::WASMPOOL_ERROR_LIMIT_EXCEEDED
            } else {
                K::WASMPOOL_ERROR_INVALID_ARGUMENT
            };
            return Err(Error::new(kind, message));
        }
    };
    let handle = wasmpool_table_t { table, store: StoreRef(store.store_ptr()) };
    out.write(keep(&mut store.store, handle));
    Ok(())
}

/// Writes the current type of `table` to `*out` (`minimum` is its size
/// now). Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_type(
    table: *const wasmpool_table_t,
    out: *mut wasmpool_tabletype_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the table's store is alive (caller contract).
        let store = unsafe { table.store() };
        let ty = table.table.ty(&*store);
        out.write(wasmpool_tabletype_t {
            element: element_of(ty.element()).to_c(),
            minimum: table.table.size(&*store),
            maximum: ty.maximum().unwrap_or(0),
            has_maximum: ty.maximum().is_some(),
            is_64: ty.is_64(),
        });
        Ok(())
    })
}

/// The number of elements of `table`; 0 if `table` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_size(table: *const wasmpool_table_t) -> u64 {
    abi::guard_value(0, || {
        // SAFETY: the table's store is alive (caller contract).
        abi::opt_ref(table).map_or(0, |t| t.table.size(&*unsafe { t.store() }))
    })
}

/// Writes element `index` of `table` to `*out`: a function handle (owned by
/// the store, a new one per call, kept until the store is deleted) or NULL
/// for a null reference.
///
/// Errors: INVALID_ARGUMENT (NULL `table` or `out`; `index` out of bounds; a
/// non-null element of a table that is not a function table: read those
/// with `wasmpool_table_get_val`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_get(
    table: *const wasmpool_table_t,
    index: u64,
    out: *mut *mut wasmpool_func_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the table's store is alive (caller contract).
        let store = unsafe { table.store() };
        let element = table.get(&mut *store, index)?;
        let func = match element {
            wasmtime::Ref::Func(func) => func,
            other if other.is_null() => None,
            _ => {
                return Err(Error::invalid(format!(
                    "element {index} is a non-null {}, which is not a function handle: read it with wasmpool_table_get_val",
                    table.table.ty(&*store).element()
                )));
            }
        };
        out.write(match func {
            None => std::ptr::null_mut(),
            Some(func) => func_handle(store, table.store, func, index),
        });
        Ok(())
    })
}

/// Writes element `index` of `table` to `*out` as a value of the table's
/// kind: a function handle (FUNCREF), a new root (EXTERNREF, ANYREF; see
/// `wasmpool_ref_release`) or a null EXNREF, for tables of any reference
/// type. Errors: INVALID_ARGUMENT (NULL argument, `index` out of bounds, a
/// non-null exnref).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_get_val(
    table: *const wasmpool_table_t,
    index: u64,
    out: *mut wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let out = abi::out(out, "out")?;
        // SAFETY: the table's store is alive (caller contract).
        let store = unsafe { table.store() };
        let mut scope = wasmtime::RootScope::new(store);
        let element = table.get(&mut scope, index)?;
        let name = format!("table element {index}");
        let val = match element {
            // Named after its place, as `wasmpool_table_get` names it.
            wasmtime::Ref::Func(Some(f)) => wasmpool_val_t {
                kind: wasmpool_valkind_t::WASMPOOL_VALKIND_FUNCREF as u32,
                of: wasmpool_valunion_t { funcref: refval::func_handle(&mut scope.as_context_mut(), f, &name) },
            },
            other => refval::from_ref(&other, scope.as_context_mut())?,
        };
        out.write(val);
        Ok(())
    })
}

/// A new function handle for a table element, kept by the store.
fn func_handle(store: &mut WStore, at: StoreRef, func: wasmtime::Func, index: u64) -> *mut wasmpool_func_t {
    let ty = wasmtime::ExternType::Func(func.ty(&*store));
    let info = ExternInfo::new(None, &format!("table element {index}"), &ty);
    keep(store, wasmpool_func_t { func, store: at, ty: FuncTy::Own(info) })
}

/// Sets element `index` of `table` to `func` (a function of the same store),
/// or to a null reference when `func` is NULL.
///
/// Errors: INVALID_ARGUMENT (NULL `table`; `index` out of bounds; `func` of
/// another store, or whose type the table's element type does not accept; a
/// function for a table that is not a function table).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_set(
    table: *const wasmpool_table_t,
    index: u64,
    func: *const wasmpool_func_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let element = table.element(func, "func")?;
        set(table, index, |_| Ok(element))
    })
}

/// `wasmpool_table_set` with the element as a value of the table's kind
/// (`FUNCREF`, `EXTERNREF`, `ANYREF` or a null `EXNREF`), for tables of any
/// reference type. Errors: as `wasmpool_table_set`, and INVALID_ARGUMENT
/// for a NULL `value`, a kind or type the table does not hold, or a ref of
/// another store or released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_set_val(
    table: *const wasmpool_table_t,
    index: u64,
    value: *const wasmpool_val_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let value = abi::arg_ref(value, "value")?;
        set(table, index, |cx| table.element_val(value, cx, "value"))
    })
}

/// Sets element `index` to what `make` gives, converted in a root scope.
fn set(
    table: &wasmpool_table_t,
    index: u64,
    make: impl FnOnce(StoreContextMut<'_, StoreData>) -> Result<wasmtime::Ref>,
) -> Result<()> {
    // SAFETY: the table's store is alive (caller contract).
    let store = unsafe { table.store() };
    let size = table.table.size(&*store);
    if index >= size {
        return Err(out_of_bounds(index, size));
    }
    let mut scope = wasmtime::RootScope::new(store);
    let element = make(scope.as_context_mut())?;
    table.table.set(&mut scope, index, element).map_err(|e| Error::invalid(format!("cannot set element {index}: {e}")))
}

/// Grows `table` by `delta` elements set to `init` (a function of the same
/// store, or NULL for null), and writes its previous size to `*previous`
/// (may be NULL).
///
/// Errors: INVALID_ARGUMENT (NULL `table`, `init` as for
/// `wasmpool_table_set`); LIMIT_EXCEEDED (beyond the table's maximum, the
/// store's `table_elements` limit or, for an instance's table, the pool's
/// `table_elements`; the table is unchanged).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_grow(
    table: *const wasmpool_table_t,
    delta: u64,
    init: *const wasmpool_func_t,
    previous: *mut u64,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let element = table.element(init, "init")?;
        grow(table, delta, previous, |_| Ok(element))
    })
}

/// `wasmpool_table_grow` with the new elements' value given as a value of
/// the table's kind (see `wasmpool_table_set_val`; `init` must not be
/// NULL). Errors: as `wasmpool_table_grow` and `wasmpool_table_set_val`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_table_grow_val(
    table: *const wasmpool_table_t,
    delta: u64,
    init: *const wasmpool_val_t,
    previous: *mut u64,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let table = abi::arg_ref(table, "table")?;
        let init = abi::arg_ref(init, "init")?;
        grow(table, delta, previous, |cx| table.element_val(init, cx, "init"))
    })
}

/// Grows the table by `delta` elements of what `make` gives.
fn grow(
    table: &wasmpool_table_t,
    delta: u64,
    previous: *mut u64,
    make: impl FnOnce(StoreContextMut<'_, StoreData>) -> Result<wasmtime::Ref>,
) -> Result<()> {
    // SAFETY: the table's store is alive (caller contract).
    let store = unsafe { table.store() };
    let before = table.table.size(&*store);
    store.data_mut().limiter.refused = None;
    let grown = {
        let mut scope = wasmtime::RootScope::new(&mut *store);
        let element = make(scope.as_context_mut())?;
        table.table.grow(&mut scope, delta, element)
    };
    let refused = store.data_mut().limiter.refused.take();
    match grown {
        Ok(prev) => {
            if let Some(out) = abi::opt_out(previous) {
                out.write(prev);
            }
            Ok(())
        }
        Err(e) => {
            let max = table.table.ty(&*store).maximum();
            let want = before.checked_add(delta);
            let limit = store.data().limiter.limits.table_elements;
            let why = match (max, refused) {
                (Some(max), _) if want.is_none_or(|want| want > max) => {
                    format!("the table's maximum is {max} elements")
                }
                (_, Some(why)) if want.is_none_or(|w| w > limit as u64) => why,
                (_, Some(_)) => "the engine refused (for an instance's table: the pool's table_elements)".to_string(),
                (_, None) => format!("{e}"),
            };
            Err(Error::new(
                K::WASMPOOL_ERROR_LIMIT_EXCEEDED,
                format!("cannot grow the table from {before} elements by {delta}: {why}"),
            ))
        }
    }
}

/// Writes a handle for the exported table `name` of `inst` to `*out` (owned
/// by the instance's store; a new handle per call).
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no exported table of that
/// name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_table(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut *mut wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_export_table` with the name given as `name_len` bytes
/// at `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_table_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut *mut wasmpool_table_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn export(inst: &wasmpool_instance_t, name: &str, out: *mut *mut wasmpool_table_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let (table, store) = instance_export(inst, name, "table", wasmtime::Extern::into_table)?;
    // SAFETY: the instance's store is alive (caller contract).
    out.write(keep(unsafe { store.get() }, wasmpool_table_t { table, store }));
    Ok(())
}
