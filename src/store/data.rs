//! What lives inside every Wasmtime store of wasmpool: the store's limits
//! and the limiter that enforces them, the flags the call paths need, and
//! the store's WASI state (its types live in `wasi/`, which never reaches
//! back here).
//! A leaf below `core/` and `component/`, which reach the Wasmtime store
//! through [`WStore`].

use crate::abi;
use crate::store::cold_drop::{SparseVec, take_box};
use crate::engine::slots::SlotQueue;
use crate::store::host_resources::HostResources;
use crate::store::refs::RefTable;
use crate::core::externs::StoreRef;
use crate::wasi::state::WasiState;

/// Per-store limits. `SIZE_MAX` means unlimited (the default for every
/// field); pool-wide limits from the engine's config apply in any case.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasmpool_store_limits_t {
    /// Maximum bytes of any one linear memory. Growth beyond it fails the
    /// way WebAssembly says (`memory.grow` returns -1); a module whose
    /// initial memory is larger fails to instantiate with LIMIT_EXCEEDED.
    pub memory_size: usize,
    /// Maximum elements of any one table (`table.grow` returns -1 beyond).
    pub table_elements: usize,
    /// Maximum instances in the store (LIMIT_EXCEEDED beyond).
    pub instances: usize,
    /// Maximum tables in the store (LIMIT_EXCEEDED beyond).
    pub tables: usize,
    /// Maximum linear memories in the store (LIMIT_EXCEEDED beyond).
    pub memories: usize,
}

pub(crate) const UNLIMITED: wasmpool_store_limits_t = wasmpool_store_limits_t {
    memory_size: usize::MAX,
    table_elements: usize::MAX,
    instances: usize::MAX,
    tables: usize::MAX,
    memories: usize::MAX,
};

/// Enforces a store's limits for Wasmtime and remembers why it refused,
/// so that the refusal is reported as LIMIT_EXCEEDED, and counts the bytes of
/// linear memory the store holds.
pub(crate) struct Limiter {
    pub(crate) limits: wasmpool_store_limits_t,
    /// Bytes of linear memory granted to this store's memories so far.
    pub(crate) consumed: usize,
    /// The last grant, taken back if Wasmtime then fails to grow.
    last_grant: usize,
    /// Why the last refusal happened, if any, for error classification.
    pub(crate) refused: Option<String>,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.limits.memory_size || maximum.is_some_and(|m| desired > m) {
            self.refused = Some(format!(
                "a memory of {desired} bytes exceeds the store's memory_size limit of {} bytes",
                self.limits.memory_size
            ));
            return Ok(false);
        }
        self.last_grant = desired - current;
        self.consumed += self.last_grant;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.consumed -= std::mem::take(&mut self.last_grant);
        Ok(())
    }

    fn table_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.limits.table_elements || maximum.is_some_and(|m| desired > m) {
            self.refused = Some(format!(
                "a table of {desired} elements exceeds the store's table_elements limit of {}",
                self.limits.table_elements
            ));
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.limits.instances
    }

    fn tables(&self) -> usize {
        self.limits.tables
    }

    fn memories(&self) -> usize {
        self.limits.memories
    }
}

/// Per-store host state inside the Wasmtime store.
pub(crate) struct StoreData {
    pub(crate) limiter: Limiter,
    /// Set while a call into a guest of this store runs, to refuse a host
    /// function calling back into the same store through a handle.
    pub(crate) in_call: bool,
    /// Handles kept for the store's lifetime (see [`StoreData::keep`]).
    kept: SparseVec<Box<dyn std::any::Any + Send>>,
    /// Async engines: calls and instantiations run on fiber stacks, and
    /// wait here for a free one (see [`run`]).
    pub(crate) stacks: Option<Stacks>,
    /// WASI context and captured output (`wasmpool_store_wasi_set`); boxed
    /// so a store without WASI pays one pointer.
    pub(crate) wasi: Option<Box<WasiState>>,
    /// `wasi:http` context and outgoing policy (`wasmpool_store_http_set`);
    /// made with the default policy (deny) when a guest first uses it.
    pub(crate) http: Option<Box<crate::http::config::HttpState>>,
    /// The host objects behind host-defined resources; destroyed last.
    pub(crate) host_resources: HostResources,
    /// The host's pointer given to `wasmpool_store_new_with_data` (NULL
    /// otherwise); its finalizer belongs to the store handle.
    pub(crate) user_data: UserData,
    /// The externref/anyref roots the host holds (`wasmpool_ref_t`).
    pub(crate) refs: RefTable,
    /// This store itself, for function handles made from funcref values
    /// while only the Wasmtime store (or a caller) is at hand; set once the
    /// store handle has its final address.
    pub(crate) home: Option<StoreRef>,
}

/// The host's per-store pointer, as host functions read it through their
/// caller. wasmpool never dereferences it.
pub(crate) struct UserData(pub(crate) *mut std::ffi::c_void);

// SAFETY: an opaque pointer wasmpool only hands back; the host promises
// (documented on `wasmpool_store_new_with_data`) that it may travel with the
// store between threads.
unsafe impl Send for UserData {}

/// How an async engine's store waits for a free stack: in the engine's
/// slot queue, for at most `wait` (0: not at all).
#[derive(Clone)]
pub(crate) struct Stacks {
    pub(crate) queue: std::sync::Arc<SlotQueue>,
    pub(crate) wait: std::time::Duration,
}

/// The Wasmtime store. It lives inside the heap-allocated
/// `wasmpool_store_t` handle, which never moves, so instance handles can
/// point to it while the handle itself is not borrowed.
pub(crate) type WStore = wasmtime::Store<StoreData>;


impl StoreData {
    /// The data of a new store: no limits of its own, not in a call.
    pub(crate) fn new() -> Self {
        StoreData {
            limiter: Limiter { limits: UNLIMITED, consumed: 0, last_grant: 0, refused: None },
            in_call: false,
            kept: SparseVec::default(),
            stacks: None,
            wasi: None,
            http: None,
            host_resources: HostResources::default(),
            user_data: UserData(std::ptr::null_mut()),
            refs: RefTable::default(),
            home: None,
        }
    }
}

impl Drop for StoreData {
    /// The store is going away: its WASI and HTTP state, if any, are
    /// dropped out of line (see `cold_drop`), before the other fields.
    #[inline]
    fn drop(&mut self) {
        take_box(&mut self.wasi);
        take_box(&mut self.http);
    }
}

impl StoreData {
    /// Keeps `value` until the store is deleted and returns its address,
    /// which never changes: for store-owned handles made while only the
    /// Wasmtime store is at hand (resource handles in component values).
    pub(crate) fn keep<T: Send + 'static>(&mut self, value: T) -> *mut T {
        let mut boxed = Box::new(value);
        let ptr: *mut T = &mut *boxed;
        self.kept.push(boxed);
        ptr
    }
}

/// Runs `op` on `store` the way its engine runs guest code: on this
/// thread's stack (`op(store, false)`), or, in an async engine, on a fiber
/// stack (`op(store, true)`, which blocks on Wasmtime's future), waiting in
/// line for a free stack while the pool has none. Errors are classified.
pub(crate) fn run<R>(
    store: &mut WStore,
    mut op: impl FnMut(&mut WStore, bool) -> wasmtime::Result<R>,
) -> abi::Result<R> {
    // An uncaught exception is taken out of the store here (the error
    // carries a copy), so none stays pending after the call returns.
    let classify = |store: &mut WStore, e| crate::diag::exception::classify(store, e, false);
    let Some(stacks) = store.data().stacks.clone() else {
        let result = op(store, false).map_err(|e| classify(store, e));
        crate::diag::exception::discard_pending(store);
        return result;
    };
    let result = stacks.queue.acquire(stacks.wait, || op(store, true).map_err(|e| classify(store, e)));
    crate::diag::exception::discard_pending(store);
    // This call's stack is back in the pool: the next waiter may take it.
    stacks.queue.released();
    result
}

/// Blocks this thread on `future`, a call or instantiation that Wasmtime
/// runs on a fiber stack (its host functions are synchronous, so nothing
/// else wakes it): core modules, whose WASI is preview 1's synchronous one.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

/// As [`block_on`], for components: inside Wasmtime WASI's runtime context,
/// so that WASI's async host functions (an async engine's component linker
/// has them) find their timers and sockets. (Core modules do without: entering
/// the context starts the runtime's threads.) Not inside one of the runtime's
/// own `block_on`s: a synchronous WASI host function blocks in one of those,
/// which tokio refuses to nest.
pub(crate) fn block_on_wasi<F: std::future::Future>(future: F) -> F::Output {
    wasmtime_wasi::runtime::with_ambient_tokio_runtime(|| pollster::block_on(future))
}

/// Runs `call` into a guest of `store` (see [`run`]), refusing a host
/// function that tries to re-enter the same store through a handle while a
/// call runs, and classifies what the guest did wrong (trap, deadline, fuel,
/// pool).
pub(crate) fn enter<R>(
    store: &mut WStore,
    name: &str,
    call: impl FnMut(&mut WStore, bool) -> wasmtime::Result<R>,
) -> abi::Result<R> {
    if store.data().in_call {
        return Err(abi::Error::invalid(format!(
            "`{name}` was called while a call into the same store is running (from a host function); \
             re-entering a store through its handles is not supported"
        )));
    }
    store.data_mut().in_call = true;
    let called = run(store, call);
    let data = store.data_mut();
    data.in_call = false;
    if data.wasi.as_ref().is_some_and(|w| w.placeholder) {
        data.wasi = None;
        return Err(abi::Error::invalid(format!(
            "`{name}` called a WASI function, but the store has no WASI configuration (set one with \
             wasmpool_store_wasi_set); the guest saw an empty WASI context"
        )));
    }
    called
}
