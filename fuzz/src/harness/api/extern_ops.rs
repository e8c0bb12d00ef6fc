//! Extern operations: host memories, tables and globals made in a store with
//! arbitrary types, grown, read and written with arbitrary arguments, and
//! defined in a fresh linker of an arbitrary engine for an arbitrary store
//! (a handle of another store, or a store of another engine, must be refused
//! with INVALID_ARGUMENT).

use super::*;

impl Api {
    pub(super) fn extern_step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.stores.is_empty() {
            return Ok(());
        }
        let si = u.choose_index(self.stores.len())?;
        let store = self.stores[si].ptr;
        let item = match u.int_in_range(0..=2u8)? {
            0 => memory_ops(store, u)?,
            1 => table_ops(store, u)?,
            _ => global_ops(store, u)?,
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
    if check(unsafe { wasmpool_memory_new(store, &ty, &mut m) }, "memory_new", MADE).is_some() {
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
