//! `wasmpool_component_pre_t`: a component with its imports resolved once,
//! instantiated per request by `wasmpool_component_pre_instantiate` (in
//! `store/instantiate.rs`).

use std::sync::Arc;

use crate::abi::{self, Boxed, Handle};
use crate::component::compiled::ComponentInfo;
use crate::store::data::{StoreData, WStore, block_on_wasi};

/// A component with its imports resolved by a component linker: the fast
/// path to instantiate the same component once per request (Spin's
/// `InstancePre`).
///
/// Create with `wasmpool_component_linker_instantiate_pre`, release with
/// `wasmpool_component_pre_delete` (instances made from it stay valid).
/// Thread safety: may be used by any number of threads at once, each with its
/// own store.
pub struct wasmpool_component_pre_t {
    pre: wasmtime::component::InstancePre<StoreData>,
    info: Arc<ComponentInfo>,
}

impl Handle for wasmpool_component_pre_t {
    type Ownership = Boxed;
}

impl wasmpool_component_pre_t {
    pub(crate) fn new(pre: wasmtime::component::InstancePre<StoreData>, info: Arc<ComponentInfo>) -> Self {
        wasmpool_component_pre_t { pre, info }
    }

    /// The engine the component was compiled for.
    pub(crate) fn engine(&self) -> &wasmtime::Engine {
        self.pre.component().engine()
    }

    /// The component's listings, shared with every instance made from it.
    pub(crate) fn info(&self) -> Arc<ComponentInfo> {
        Arc::clone(&self.info)
    }

    /// A new instance in `store` (slot waiting is the caller's), on a fiber
    /// stack in an async engine.
    pub(crate) fn instantiate(&self, store: &mut WStore) -> wasmtime::Result<wasmtime::component::Instance> {
        if store.data().stacks.is_some() {
            self.instantiate_on_fiber(store)
        } else {
            self.pre.instantiate(store)
        }
    }

    /// The async engine's branch of [`Self::instantiate`], out of line so
    /// that the other branch's code stays together.
    #[inline(never)]
    fn instantiate_on_fiber(&self, store: &mut WStore) -> wasmtime::Result<wasmtime::component::Instance> {
        block_on_wasi(self.pre.instantiate_async(store))
    }
}

/// Releases `pre`. NULL is accepted and ignored. Instances made from it are
/// not affected.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_component_pre_delete(pre: *mut wasmpool_component_pre_t) {
    unsafe { abi::delete(pre) }
}
