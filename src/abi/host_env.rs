//! A host callback's `env` pointer and its finalizer, shared by every copy of
//! a host function definition (linkers, pre-linked instances, stores).

use std::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Releases a host function's `env`. Runs exactly once, when the last
/// linker, pre-linked instance or store that uses the function is gone, on
/// whichever thread drops it.
pub type wasmpool_finalizer_t = Option<unsafe extern "C" fn(env: *mut c_void)>;

/// The finalizer runs when the last copy is dropped, but only if the
/// definition was accepted ([`HostEnv::arm`]): a failed define leaves `env`
/// to the caller.
pub(crate) struct HostEnv {
    pub(crate) env: *mut c_void,
    finalizer: wasmpool_finalizer_t,
    armed: AtomicBool,
}

// SAFETY: the host promises (documented on every define function) that `env`
// may be used from any thread, as linkers and pre-linked instances are
// shareable.
unsafe impl Send for HostEnv {}
unsafe impl Sync for HostEnv {}

impl HostEnv {
    pub(crate) fn new(env: *mut c_void, finalizer: wasmpool_finalizer_t) -> Arc<Self> {
        Arc::new(HostEnv { env, finalizer, armed: AtomicBool::new(false) })
    }

    /// The definition was accepted: from now on the finalizer owns `env`.
    pub(crate) fn arm(&self) {
        self.armed.store(true, Ordering::Release);
    }
}

impl Drop for HostEnv {
    fn drop(&mut self) {
        if let (true, Some(finalize)) = (self.armed.load(Ordering::Acquire), self.finalizer) {
            // SAFETY: the host gave this function for this env.
            unsafe { finalize(self.env) };
        }
    }
}
