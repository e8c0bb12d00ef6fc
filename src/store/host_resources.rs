//! The host objects behind a store's host-defined resources: the table that
//! maps the 32-bit `rep` Wasmtime carries for a host resource to the C
//! host's pointer and its type, and that makes sure each object's destructor
//! runs exactly once — when the guest drops its last handle, when the host
//! drops its own handle, or, for whatever is left, when the store is deleted.
//! A leaf, like `data.rs`, which holds it.

use std::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::abi::HostEnv;
use crate::store::cold_drop::take_box;

/// Releases one object of a host-defined resource type: called with the
/// `env` given to `wasmpool_component_resource_type_new` and the object's
/// `data` pointer, exactly once per object.
pub type wasmpool_component_resource_destructor_t = Option<unsafe extern "C" fn(env: *mut c_void, data: *mut c_void)>;

/// A host-defined resource type: its identity for Wasmtime and how its
/// objects are released. Shared by the C handle, linkers and every store
/// that still holds one of its objects.
pub(crate) struct ResourceDef {
    /// The payload of `ResourceType::host_dynamic`, unique in the process.
    pub(crate) id: u32,
    destructor: wasmpool_component_resource_destructor_t,
    host: Arc<HostEnv>,
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

impl ResourceDef {
    /// A new type, or None once 2^32 - 1 types were made in this process.
    pub(crate) fn new(destructor: wasmpool_component_resource_destructor_t, host: Arc<HostEnv>) -> Option<Self> {
        let id = NEXT_ID.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1)).ok()?;
        Some(ResourceDef { id, destructor, host })
    }

    pub(crate) fn wasmtime_type(&self) -> wasmtime::component::ResourceType {
        wasmtime::component::ResourceType::host_dynamic(self.id)
    }

    fn destroy(&self, data: *mut c_void) {
        if let Some(destructor) = self.destructor {
            // SAFETY: the host gave this function for objects of this type,
            // and every object is destroyed once (the table forgets it first).
            unsafe { destructor(self.host.env, data) };
        }
    }
}

/// The host's pointer, moved with the store (see the `Send` note below).
#[derive(Clone, Copy)]
pub(crate) struct HostPtr(pub(crate) *mut c_void);

// SAFETY: the object belongs to the store it was registered in, and the host
// promises (documented on `wasmpool_component_resource_new`) that it may be
// used and destroyed on whichever thread uses the store.
unsafe impl Send for HostPtr {}

struct Entry {
    def: Arc<ResourceDef>,
    data: HostPtr,
}

/// The live host objects of one store, indexed by `rep`. Made with the
/// first object: most stores never hold one, and a store is made per request.
#[derive(Default)]
pub(crate) struct HostResources(Option<Box<Objects>>);

impl Drop for HostResources {
    #[inline]
    fn drop(&mut self) {
        take_box(&mut self.0);
    }
}

#[derive(Default)]
struct Objects {
    entries: Vec<Option<Entry>>,
    free: Vec<u32>,
}

impl HostResources {
    /// Registers `data` as an object of `def`; its `rep`, or None when the
    /// store already holds 2^32 objects.
    pub(crate) fn insert(&mut self, def: &Arc<ResourceDef>, data: *mut c_void) -> Option<u32> {
        let objects = self.0.get_or_insert_default();
        let entry = Some(Entry { def: Arc::clone(def), data: HostPtr(data) });
        if let Some(rep) = objects.free.pop() {
            objects.entries[rep as usize] = entry;
            return Some(rep);
        }
        let rep = u32::try_from(objects.entries.len()).ok()?;
        objects.entries.push(entry);
        Some(rep)
    }

    /// The object `rep` of the type `id`, if it is still alive.
    pub(crate) fn get(&self, rep: u32, id: u32) -> Option<*mut c_void> {
        match self.0.as_ref()?.entries.get(rep as usize) {
            Some(Some(e)) if e.def.id == id => Some(e.data.0),
            _ => None,
        }
    }

    /// Takes the object `rep` of the type `id` out of the table, if it is
    /// still there.
    fn take(&mut self, rep: u32, id: u32) -> Option<Entry> {
        let objects = self.0.as_mut()?;
        let slot = objects.entries.get_mut(rep as usize)?;
        if slot.as_ref()?.def.id != id {
            return None;
        }
        objects.free.push(rep);
        slot.take()
    }

    /// Forgets the object `rep` of the type `id` and runs its destructor;
    /// false when there is no such object (already destroyed).
    pub(crate) fn destroy(&mut self, rep: u32, id: u32) -> bool {
        let Some(Entry { def, data }) = self.take(rep, id) else { return false };
        def.destroy(data.0);
        true
    }

    /// Forgets the object `rep` of the type `id` without destroying it (it
    /// was never handed out).
    pub(crate) fn forget(&mut self, rep: u32, id: u32) -> bool {
        self.take(rep, id).is_some()
    }
}

impl Drop for Objects {
    /// The store is going away: whatever neither the guest nor the host
    /// dropped is destroyed now, once.
    fn drop(&mut self) {
        for Entry { def, data } in self.entries.drain(..).flatten() {
            def.destroy(data.0);
        }
    }
}
