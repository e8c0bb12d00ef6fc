//! Extern operations: host memories, tables and globals made in a store with
//! arbitrary types, grown, read and written with arbitrary arguments, and
//! defined in a fresh linker of an arbitrary engine for an arbitrary store
//! (a handle of another store, or a store of another engine, must be refused
//! with INVALID_ARGUMENT); and reference values: externrefs with a counted
//! finalizer, i31 values, roots released (twice: the second is refused),
//! refs used with another store, GCs, and reference-typed globals and tables.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

impl Api {
    pub(super) fn extern_step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let si = u.choose_index(self.stores.len())?;
        let store = self.stores[si].ptr;
        let item = match u.int_in_range(0..=3u8)? {
            0 => memory_ops(store, u)?,
            1 => table_ops(store, u)?,
            2 => global_ops(store, u)?,
            _ => {
                let other = self.stores[u.choose_index(self.stores.len())?].ptr;
                return ref_ops(store, other, u);
            }
        };
        if let Some(item) = item
            && u.ratio(1u8, 2u8)?
        {
            self.define_extern(si, item, u)?;
        }
        Ok(())
    }

    /// Defines `item` (of store `owner`) in a fresh linker of a random engine,
    /// for a random store; refused exactly when the stores or engines differ.
    fn define_extern(&mut self, owner: usize, item: Item, u: &mut Unstructured) -> arbitrary::Result<()> {
        let Some(e) = self.pick_engine(u)? else { return Ok(()) };
        let si = u.choose_index(self.stores.len())?;
        let mut l = null_mut();
        check(unsafe { wasmpool_linker_new(self.engine(e).ptr, &mut l) }, "linker_new", &[]);
        let store = self.stores[si].ptr;
        let err = unsafe {
            match item {
                Item::Memory(m) => wasmpool_linker_define_memory(l, store, c"env".as_ptr(), c"memory".as_ptr(), m),
                Item::Table(t) => wasmpool_linker_define_table(l, store, c"env".as_ptr(), c"table".as_ptr(), t),
                Item::Global(g) => wasmpool_linker_define_global(l, store, c"env".as_ptr(), c"global".as_ptr(), g),
            }
        };
        let refused = check(err, "linker_define_extern", &[WASMPOOL_ERROR_INVALID_ARGUMENT]).is_some();
        let foreign = si != owner || self.stores[si].engine != e;
        assert_eq!(refused, foreign, "linker_define_extern: refused = {refused}, other store or engine = {foreign}");
        unsafe { wasmpool_linker_delete(l) };
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Item {
    Memory(*mut wasmpool_memory_t),
    Table(*mut wasmpool_table_t),
    Global(*mut wasmpool_global_t),
}

const MADE: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_LIMIT_EXCEEDED];
/// A host memory may also be refused by the system (OTHER, documented): a
/// fuzzed engine's reservation plus guard regions can exceed the address
/// space Wasmtime will map.
const MEMORY_MADE: &[wasmpool_error_kind_t] =
    &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_LIMIT_EXCEEDED, WASMPOOL_ERROR_OTHER];

/// A memory of a random type; its size and growth checked.
fn memory_ops(store: *mut wasmpool_store_t, u: &mut Unstructured) -> arbitrary::Result<Option<Item>> {
    let ty = wasmpool_memorytype_t {
        minimum: u.int_in_range(0..=4u64)?,
        maximum: u.int_in_range(0..=8u64)?,
        has_maximum: u.arbitrary()?,
        is_64: u.ratio(1u8, 4u8)?,
        shared: u.ratio(1u8, 8u8)?,
    };
    let mut m = null_mut();
    if check(unsafe { wasmpool_memory_new(store, &ty, &mut m) }, "memory_new", MEMORY_MADE).is_some() {
        return Ok(None);
    }
    assert!(!ty.has_maximum || ty.maximum >= ty.minimum, "memory_new accepted {ty:?}");
    let pages = unsafe { wasmpool_memory_size(m) };
    assert_eq!(pages, ty.minimum, "memory_new: size");
    let (mut data, mut size) = (null_mut(), 0usize);
    check(unsafe { wasmpool_memory_data(m, &mut data, &mut size) }, "memory_data", &[]);
    assert_eq!(size as u64, pages * 65536, "memory_data: size");
    if size > 0 {
        // SAFETY: `size` bytes at `data`, the store's and not in use by a guest.
        unsafe { data.add(size - 1).write(0x5a) };
    }
    let delta = u.int_in_range(0..=3u64)?;
    let mut previous = u64::MAX;
    let grew = check(unsafe { wasmpool_memory_grow(m, delta, &mut previous) }, "memory_grow", &[WASMPOOL_ERROR_LIMIT_EXCEEDED]).is_none();
    let after = unsafe { wasmpool_memory_size(m) };
    if grew {
        assert_eq!((previous, after), (pages, pages + delta), "memory_grow");
    } else {
        assert_eq!(after, pages, "memory_grow failed but the size changed");
    }
    let mut back = MaybeUninit::<wasmpool_memorytype_t>::uninit();
    check(unsafe { wasmpool_memory_type(m, back.as_mut_ptr()) }, "memory_type", &[]);
    let back = unsafe { back.assume_init() };
    assert_eq!((back.minimum, back.is_64, back.shared), (after, ty.is_64, ty.shared), "memory_type");
    Ok(Some(Item::Memory(m)))
}

/// A table of a random type; get, set and grow at random indices.
fn table_ops(store: *mut wasmpool_store_t, u: &mut Unstructured) -> arbitrary::Result<Option<Item>> {
    let ty = wasmpool_tabletype_t {
        element: u.int_in_range(0..=4u32)?,
        minimum: u.int_in_range(0..=8u64)?,
        maximum: u.int_in_range(0..=12u64)?,
        has_maximum: u.arbitrary()?,
        is_64: u.ratio(1u8, 4u8)?,
    };
    let mut t = null_mut();
    if check(unsafe { wasmpool_table_new(store, &ty, &mut t) }, "table_new", MADE).is_some() {
        return Ok(None);
    }
    let size = unsafe { wasmpool_table_size(t) };
    assert_eq!(size, ty.minimum, "table_new: size");
    for _ in 0..u.int_in_range(0..=3u8)? {
        let index = u.int_in_range(0..=10u64)?;
        let mut f = null_mut();
        let got = check(unsafe { wasmpool_table_get(t, index, &mut f) }, "table_get", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
        assert_eq!(got.is_some(), index >= size, "table_get({index}) of {size} elements");
        assert!(f.is_null(), "a fresh table holds only null elements");
        let set = check(unsafe { wasmpool_table_set(t, index, null()) }, "table_set", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
        assert_eq!(set.is_some(), index >= size, "table_set({index}) of {size} elements");
    }
    let delta = u.int_in_range(0..=5u64)?;
    let mut previous = u64::MAX;
    let grew = check(unsafe { wasmpool_table_grow(t, delta, null(), &mut previous) }, "table_grow", &[WASMPOOL_ERROR_LIMIT_EXCEEDED]).is_none();
    let after = unsafe { wasmpool_table_size(t) };
    assert_eq!(after, if grew { size + delta } else { size }, "table_grow");
    if grew {
        assert_eq!(previous, size, "table_grow: previous size");
    }
    Ok(Some(Item::Table(t)))
}

/// A global of a random kind with a value of a random kind; set and read back.
fn global_ops(store: *mut wasmpool_store_t, u: &mut Unstructured) -> arbitrary::Result<Option<Item>> {
    let kind = u.int_in_range(0..=6u32)?;
    let ty = wasmpool_globaltype_t { kind, is_mutable: u.arbitrary()? };
    let value = wasmpool_val_t { kind: u.int_in_range(0..=5u32)?, of: wasmpool_valunion_t { v128: u.arbitrary()? } };
    let mut g = null_mut();
    let made = check(unsafe { wasmpool_global_new(store, &ty, &value, &mut g) }, "global_new", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
    assert_eq!(made.is_none(), kind <= 4 && value.kind == kind, "global_new: kind {kind}, value kind {}", value.kind);
    if made.is_some() {
        return Ok(None);
    }
    let next = wasmpool_val_t { kind, of: wasmpool_valunion_t { v128: u.arbitrary()? } };
    let set = check(unsafe { wasmpool_global_set(g, &next) }, "global_set", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
    assert_eq!(set.is_none(), ty.is_mutable, "global_set on a global of mutability {}", ty.is_mutable);
    let mut back = wasmpool_val_t { kind: 99, of: wasmpool_valunion_t { i64: 0 } };
    check(unsafe { wasmpool_global_get(g, &mut back) }, "global_get", &[]);
    assert_eq!(back.kind, kind, "global_get: kind");
    Ok(Some(Item::Global(g)))
}

/// Externrefs made and finalized by [`ref_ops`]; `api_sequence` checks that
/// every one was finalized exactly once by the end (all stores deleted).
pub(super) static REFS_MADE: AtomicUsize = AtomicUsize::new(0);
pub(super) static REFS_FINALIZED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_ref(_data: *mut std::ffi::c_void) {
    REFS_FINALIZED.fetch_add(1, Ordering::SeqCst);
}

fn null_val(kind: wasmpool_valkind_t) -> wasmpool_val_t {
    wasmpool_val_t { kind: kind as u32, of: wasmpool_valunion_t { v128: [0; 16] } }
}

/// Reference values in `store`: made, read back, stored in a global and a
/// table, released (a second release refused), used with `other` (refused
/// unless it is the same store), collected.
fn ref_ops(store: *mut wasmpool_store_t, other: *mut wasmpool_store_t, u: &mut Unstructured) -> arbitrary::Result<()> {
    use wasmpool_valkind_t as V;
    let same = std::ptr::eq(store, other);
    let mut e = wasmpool_ref_t { store: 0, id: 0 };
    let tag = u.int_in_range(1..=1000usize)? as *mut std::ffi::c_void;
    // A full GC heap, or no memory slot for the store's GC heap, refuses it
    // (and has run the finalizer already).
    REFS_MADE.fetch_add(1, Ordering::SeqCst);
    if check(unsafe { wasmpool_externref_new(store, tag, Some(count_ref), &mut e) }, "externref_new", &[WASMPOOL_ERROR_LIMIT_EXCEEDED, WASMPOOL_ERROR_POOL_EXHAUSTED]).is_some() {
        return Ok(());
    }
    let mut data = null_mut();
    check(unsafe { wasmpool_externref_data(store, e, &mut data) }, "externref_data", &[]);
    assert_eq!(data, tag, "externref_data");
    let theirs = check(unsafe { wasmpool_externref_data(other, e, &mut data) }, "externref_data(other store)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
    assert_eq!(theirs.is_none(), same, "externref_data with another store");
    let value: i32 = u.arbitrary()?;
    let mut i = wasmpool_ref_t { store: 0, id: 0 };
    check(unsafe { wasmpool_anyref_i31_new(store, value, &mut i) }, "anyref_i31_new", &[]);
    let mut back = 0i32;
    check(unsafe { wasmpool_anyref_i31_get_s(store, i, &mut back) }, "anyref_i31_get_s", &[]);
    assert_eq!(back, (value << 1) >> 1, "i31 of {value}");
    check(unsafe { wasmpool_anyref_i31_get_s(store, e, &mut back) }, "anyref_i31_get_s(externref)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
    // A global and a table holding the externref, read back through a new root.
    let ev = wasmpool_val_t { kind: V::WASMPOOL_VALKIND_EXTERNREF as u32, of: wasmpool_valunion_t { externref: e } };
    let gty = wasmpool_globaltype_t { kind: V::WASMPOOL_VALKIND_EXTERNREF as u32, is_mutable: true };
    let mut g = null_mut();
    let in_other = check(unsafe { wasmpool_global_new(other, &gty, &ev, &mut g) }, "global_new(externref)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
    assert_eq!(in_other.is_none(), same, "global_new with a ref of another store");
    check(unsafe { wasmpool_global_new(store, &gty, &ev, &mut g) }, "global_new(externref)", &[]);
    let mut got = null_val(V::WASMPOOL_VALKIND_I32);
    check(unsafe { wasmpool_global_get(g, &mut got) }, "global_get(externref)", &[]);
    assert_eq!(got.kind, V::WASMPOOL_VALKIND_EXTERNREF as u32, "global_get: kind");
    check(unsafe { wasmpool_externref_data(store, got.of.externref, &mut data) }, "externref_data(global)", &[]);
    assert_eq!(data, tag, "externref_data of the global's value");
    check(unsafe { wasmpool_ref_release(store, got.of.externref) }, "ref_release", &[]);
    let tty = wasmpool_tabletype_t {
        element: wasmpool_reftype_t::WASMPOOL_REFTYPE_EXTERNREF as u32,
        minimum: u.int_in_range(0..=3u64)?,
        maximum: 0,
        has_maximum: false,
        is_64: false,
    };
    let mut t = null_mut();
    if check(unsafe { wasmpool_table_new_with_init(store, &tty, &ev, &mut t) }, "table_new_with_init", MADE).is_none() {
        let index = u.int_in_range(0..=4u64)?;
        let set = check(unsafe { wasmpool_table_set_val(t, index, &ev) }, "table_set_val", &[WASMPOOL_ERROR_INVALID_ARGUMENT]);
        assert_eq!(set.is_some(), index >= tty.minimum, "table_set_val({index}) of {} elements", tty.minimum);
        // The wrong kind for the table.
        let iv = wasmpool_val_t { kind: V::WASMPOOL_VALKIND_ANYREF as u32, of: wasmpool_valunion_t { anyref: i } };
        check(unsafe { wasmpool_table_set_val(t, 0, &iv) }, "table_set_val(anyref)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]).expect("refused");
    }
    // Release in a random order; a second release is refused, and so is
    // every use of the released ref.
    let release_first = u.arbitrary()?;
    let (a, b) = if release_first { (e, i) } else { (i, e) };
    check(unsafe { wasmpool_ref_release(store, a) }, "ref_release", &[]);
    check(unsafe { wasmpool_ref_release(store, a) }, "ref_release(again)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]).expect("refused");
    check(unsafe { wasmpool_externref_data(store, a, &mut data) }, "externref_data(released)", &[WASMPOOL_ERROR_INVALID_ARGUMENT]).expect("refused");
    if u.arbitrary()? {
        check(unsafe { wasmpool_ref_release(store, b) }, "ref_release", &[]);
    }
    if u.ratio(1u8, 3u8)? {
        let before = REFS_FINALIZED.load(Ordering::SeqCst);
        check(unsafe { wasmpool_store_gc(store) }, "store_gc", &[]);
        assert!(REFS_FINALIZED.load(Ordering::SeqCst) >= before, "store_gc");
    }
    Ok(())
}
