//! `wasmpool_instance_pre_t`: a module with its imports resolved once by a
//! linker (`wasmpool_linker_instantiate_pre`), instantiated per request by
//! `wasmpool_instance_pre_instantiate` (in `store/instantiate.rs`).

use std::sync::Arc;

use crate::abi::{self, Boxed, Handle};
use crate::core::externs::StoreRef;
use crate::core::module_info::ModuleInfo;
use crate::store::data::{StoreData, WStore, block_on};

/// A module with its imports resolved by a linker: the fast path to
/// instantiate the same module once per request.
///
/// Create with `wasmpool_linker_instantiate_pre`, release with
/// `wasmpool_instance_pre_delete`. Thread safety: may be used by any number
/// of threads at once (each with its own store).
pub struct wasmpool_instance_pre_t {
    pre: wasmtime::InstancePre<StoreData>,
    info: Arc<ModuleInfo>,
    /// The store its linker's memories, tables, globals or instances belong
    /// to: the only store it can be instantiated in.
    bound: Option<StoreRef>,
}

impl Handle for wasmpool_instance_pre_t {
    type Ownership = Boxed;
}

impl wasmpool_instance_pre_t {
    pub(crate) fn new(pre: wasmtime::InstancePre<StoreData>, info: Arc<ModuleInfo>, bound: Option<StoreRef>) -> Self {
        wasmpool_instance_pre_t { pre, info, bound }
    }

    /// Refuses a store other than the one this pre-linked instance's
    /// definitions belong to.
    pub(crate) fn check_store(&self, store: &mut crate::store::wasmpool_store_t) -> abi::Result<()> {
        match self.bound {
            Some(bound) if bound.0 != store.store_ptr() => Err(abi::Error::invalid(
                "the pre-linked instance holds memories, tables, globals or instances of another store than `store`",
            )),
            _ => Ok(()),
        }
    }

    /// The engine the module was compiled for.
    pub(crate) fn engine(&self) -> &wasmtime::Engine {
        self.pre.module().engine()
    }

    /// The module's listings, shared with every instance made from it.
    pub(crate) fn info(&self) -> Arc<ModuleInfo> {
        Arc::clone(&self.info)
    }

    /// A new instance in `store` (slot waiting is the caller's), on a fiber
    /// stack in an async engine.
    pub(crate) fn instantiate(&self, store: &mut WStore) -> wasmtime::Result<wasmtime::Instance> {
        if store.data().stacks.is_some() {
            block_on(self.pre.instantiate_async(store))
        } else {
            self.pre.instantiate(store)
        }
    }
}

/// Releases `pre`. NULL is accepted and ignored. Instances made from it are
/// not affected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_pre_delete(pre: *mut wasmpool_instance_pre_t) {
    unsafe { abi::delete(pre) }
}

