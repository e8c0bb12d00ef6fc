//! `wasmpool_component_instance_t`: an instantiated component inside a store,
//! and `wasmpool_component_func_t`, an exported function looked up once.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::sync::Arc;


use crate::abi::{Error, Handle, Result, StoreOwned, wasmpool_error_kind_t as K};
use crate::component::call::CallSig;
use crate::component::compiled::ComponentInfo;
use crate::store::data::WStore;
use crate::store::cold_drop::SparseVec;

/// An instance of a component. Owned by its store: there is no delete; it is
/// released, with its pool slots, by `wasmpool_store_delete`.
///
/// Thread safety: as its store (one thread at a time).
pub struct wasmpool_component_instance_t {
    pub(crate) instance: wasmtime::component::Instance,
    store: NonNull<WStore>,
    pub(crate) info: Arc<ComponentInfo>,
    /// Handles given out by `wasmpool_component_instance_func`, freed with the
    /// store; boxed because C holds pointers to them.
    #[allow(clippy::vec_box)]
    pub(crate) handles: RefCell<SparseVec<Box<wasmpool_component_func_t>>>,
    /// The buffer of a string argument of the last call, kept for the next
    /// one (see `call::SPARE_MAX`): repeated calls with a string argument
    /// then allocate nothing for it.
    pub(crate) spare: Cell<String>,
}

impl Handle for wasmpool_component_instance_t {
    type Ownership = StoreOwned;
}

/// An exported function of a component instance, looked up once by
/// `wasmpool_component_instance_func` and called with
/// `wasmpool_component_func_call`.
///
/// Owned by the instance's store (no delete): valid until
/// `wasmpool_store_delete`. Thread safety: as its store.
pub struct wasmpool_component_func_t {
    pub(crate) func: wasmtime::component::Func,
    pub(crate) sig: Arc<CallSig>,
    pub(crate) name: String,
    pub(crate) instance: NonNull<wasmpool_component_instance_t>,
}

impl Handle for wasmpool_component_func_t {
    type Ownership = StoreOwned;
}

impl wasmpool_component_instance_t {
    pub(crate) fn new(instance: wasmtime::component::Instance, store: NonNull<WStore>, info: Arc<ComponentInfo>) -> Self {
        wasmpool_component_instance_t { instance, store, info, handles: RefCell::default(), spare: Cell::default() }
    }

    /// The store this instance lives in.
    ///
    /// # Safety
    /// As `wasmpool_instance_t::store_mut`: the store is alive and not
    /// borrowed elsewhere while the result is used.
    pub(crate) unsafe fn store_mut<'s>(&self) -> &'s mut WStore {
        let mut store = self.store;
        // SAFETY: per the contract above.
        unsafe { store.as_mut() }
    }

    /// The exported function `name` (`f`, or `ns:pkg/iface@ver#f`) and what
    /// calls to it are checked against.
    pub(crate) fn func(&self, name: &str) -> Result<(wasmtime::component::Func, Arc<CallSig>)> {
        let missing = || Error::new(K::WASMPOOL_ERROR_LINK, format!("the component instance has no exported function `{name}`"));
        let item = self.info.export_func(name).ok_or_else(missing)?;
        // SAFETY: the instance's store is alive (caller contract).
        let store = unsafe { self.store_mut() };
        let mut index = None;
        for part in name.split('#') {
            index = Some(self.instance.get_export_index(&mut *store, index.as_ref(), part).ok_or_else(missing)?);
        }
        let func = index.and_then(|i| self.instance.get_func(&mut *store, i)).ok_or_else(missing)?;
        let sig = match &item.call {
            Some(sig) => Arc::clone(sig),
            // Resource types are the instance's (a host type, or this
            // instance's own), not the component's placeholders.
            None => Arc::new(CallSig::of(&func.ty(&*store), name)),
        };
        Ok((func, sig))
    }
}
