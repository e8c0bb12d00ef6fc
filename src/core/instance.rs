//! `wasmpool_instance_t`: an instantiated module inside a store, its
//! exported functions looked up once, and `wasmpool_func_t` handles. Calls
//! are in `call.rs`; instantiation, which puts instances into a store, is in
//! `store/instantiate.rs`.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::abi::{Error, Handle, Result, StoreOwned, wasmpool_error_kind_t as K};
use crate::core::module_info::{ExternInfo, ModuleInfo, wasmpool_externkind_t};
use crate::core::externs::StoreRef;
use crate::store::data::WStore;

/// An instance of a module. Owned by its store: there is no delete; it is
/// released, with its pool slots, by `wasmpool_store_delete`.
///
/// Thread safety: as its store (one thread at a time).
pub struct wasmpool_instance_t {
    pub(crate) instance: wasmtime::Instance,
    pub(crate) store: NonNull<WStore>,
    pub(crate) info: Arc<ModuleInfo>,
    /// Exported functions already looked up, by export index (filled on
    /// first call; no allocation for instances that are never called).
    funcs: RefCell<Vec<Option<wasmtime::Func>>>,
    /// Handles given out by `wasmpool_instance_func`, freed with the store;
    /// boxed because C holds pointers to them, which must not move when the
    /// list grows.
    #[allow(clippy::vec_box)]
    pub(crate) handles: RefCell<Vec<Box<wasmpool_func_t>>>,
}

impl Handle for wasmpool_instance_t {
    type Ownership = StoreOwned;
}

/// A function of a store: an exported function of an instance, looked up
/// once by `wasmpool_instance_func` and called with `wasmpool_func_call`
/// without a lookup by name each time, or a table's element
/// (`wasmpool_table_get`).
///
/// Owned by the store (no delete): valid until `wasmpool_store_delete`.
/// Thread safety: as its store.
pub struct wasmpool_func_t {
    pub(crate) func: wasmtime::Func,
    pub(crate) store: StoreRef,
    pub(crate) ty: FuncTy,
}

/// Where a function handle's type description lives.
pub(crate) enum FuncTy {
    /// Export number `.1` of the instance's module.
    Export(Arc<ModuleInfo>, usize),
    /// Its own, for functions that are not looked up by name.
    Own(ExternInfo),
}

impl wasmpool_func_t {
    /// The function's parameter and result kinds, and its name for messages.
    pub(crate) fn ty(&self) -> &ExternInfo {
        match &self.ty {
            FuncTy::Export(info, index) => &info.exports[*index],
            FuncTy::Own(info) => info,
        }
    }
}

impl Handle for wasmpool_func_t {
    type Ownership = StoreOwned;
}

fn no_func(name: &str) -> Error {
    Error::new(K::WASMPOOL_ERROR_LINK, format!("the instance has no exported function `{name}`"))
}

impl wasmpool_instance_t {
    /// The exported function `name` with its cached type, remembered for the
    /// next call by name.
    pub(crate) fn func(&self, name: &str) -> Result<(wasmtime::Func, &ExternInfo)> {
        let (index, ty) = self.export_func_info(name)?;
        let mut cache = self.funcs.borrow_mut();
        if cache.is_empty() {
            cache.resize(self.info.exports.len(), None);
        }
        if let Some(func) = cache[index] {
            return Ok((func, ty));
        }
        let func = self.lookup(name, ty)?;
        cache[index] = Some(func);
        Ok((func, ty))
    }

    /// The exported function `name` with its cached type, looked up without
    /// filling the cache: for a function called once per instance (a
    /// command's `_start`), where the cache would cost an allocation.
    pub(crate) fn func_once(&self, name: &str) -> Result<(wasmtime::Func, &ExternInfo)> {
        let (index, ty) = self.export_func_info(name)?;
        if let Some(Some(func)) = self.funcs.borrow().get(index) {
            return Ok((*func, ty));
        }
        Ok((self.lookup(name, ty)?, ty))
    }

    fn export_func_info(&self, name: &str) -> Result<(usize, &ExternInfo)> {
        let index = self.info.export_index(name).ok_or_else(|| no_func(name))?;
        let ty = &self.info.exports[index];
        if ty.kind != wasmpool_externkind_t::WASMPOOL_EXTERN_FUNC {
            return Err(no_func(name));
        }
        Ok((index, ty))
    }

    fn lookup(&self, name: &str, ty: &ExternInfo) -> Result<wasmtime::Func> {
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { self.store_mut() };
        ty.index
            .as_ref()
            .and_then(|i| self.instance.get_module_export(&mut *store, i))
            .and_then(|e| e.into_func())
            .ok_or_else(|| no_func(name))
    }

    /// The store this instance lives in.
    ///
    /// # Safety
    /// The store must be alive (it owns this handle, so it is, as long as the
    /// caller respects the documented lifetime) and not borrowed elsewhere
    /// for as long as the result is used.
    pub(crate) unsafe fn store_mut<'s>(&self) -> &'s mut WStore {
        let mut store = self.store;
        // SAFETY: per the contract above.
        unsafe { store.as_mut() }
    }

    /// A handle for a new Wasmtime instance living in `store`.
    pub(crate) fn new(instance: wasmtime::Instance, store: NonNull<WStore>, info: Arc<ModuleInfo>) -> Self {
        wasmpool_instance_t { instance, store, info, funcs: RefCell::default(), handles: RefCell::default() }
    }
}

