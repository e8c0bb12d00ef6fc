//! `wasmpool_memory_t`: linear memories as handles, made by the host
//! (`wasmpool_memory_new`) or taken from an instance's exports
//! (`wasmpool_instance_export_memory`); read, grown, and given to other
//! modules through a linker (`wasmpool_linker_define_memory`).

use std::ffi::c_char;

use crate::abi::{self, Error, Handle, Result, StoreOwned, wasmpool_error_kind_t as K, wasmpool_error_t};
use crate::core::externs::{StoreRef, instance_export, keep, memory_view};
use crate::core::instance::wasmpool_instance_t;
use crate::core::names::arg_name;
use crate::store::data::WStore;
use crate::store::wasmpool_store_t;

/// The type of a linear memory, in pages of 64 KiB.
///
/// Plain data: filled by the host for `wasmpool_memory_new`, by wasmpool for
/// `wasmpool_memory_type`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasmpool_memorytype_t {
    /// Pages the memory starts with (and never shrinks below).
    pub minimum: u64,
    /// Pages the memory may grow to, when `has_maximum` is true.
    pub maximum: u64,
    /// Whether `maximum` applies (a shared memory needs one).
    pub has_maximum: bool,
    /// A 64-bit memory (the memory64 proposal): addressed by i64.
    pub is_64: bool,
    /// A shared memory (the threads proposal): needs `has_maximum`, and an
    /// engine with `wasm_threads` on.
    pub shared: bool,
}

/// A memory: what the handle names. A shared memory belongs to the engine
/// (it may be imported by instances of any store of it); the handle keeps it
/// alive.
#[derive(Clone)]
pub(crate) enum Mem {
    Local(wasmtime::Memory),
    Shared(wasmtime::SharedMemory),
}

impl Mem {
    pub(crate) fn to_extern(&self) -> wasmtime::Extern {
        match self {
            Mem::Local(m) => (*m).into(),
            Mem::Shared(m) => m.clone().into(),
        }
    }
}

/// A linear memory of a store: made by `wasmpool_memory_new`, or an
/// instance's export (`wasmpool_instance_export_memory`).
///
/// Owned by its store (no delete): valid until `wasmpool_store_delete`.
/// Every call that returns one makes a new handle, kept until then: look a
/// memory up once, not per access. Thread safety: as its store (one thread
/// at a time); a shared memory's bytes may also be accessed by other
/// threads' instances, with atomics.
pub struct wasmpool_memory_t {
    pub(crate) memory: Mem,
    pub(crate) store: StoreRef,
}

impl Handle for wasmpool_memory_t {
    type Ownership = StoreOwned;
}

impl wasmpool_memory_t {
    /// The memory's store.
    ///
    /// # Safety
    /// As [`StoreRef::get`].
    unsafe fn store<'s>(&self) -> &'s mut WStore {
        // SAFETY: per the contract above.
        unsafe { self.store.get() }
    }
}

fn memory_type(ty: &wasmpool_memorytype_t) -> Result<wasmtime::MemoryType> {
    wasmtime::MemoryTypeBuilder::new()
        .min(ty.minimum)
        .max(ty.has_maximum.then_some(ty.maximum))
        .memory64(ty.is_64)
        .shared(ty.shared)
        .build()
        .map_err(|e| Error::invalid(format!("argument `ty` is not a valid memory type: {e}")))
}

fn to_c(ty: &wasmtime::MemoryType) -> wasmpool_memorytype_t {
    wasmpool_memorytype_t {
        minimum: ty.minimum(),
        maximum: ty.maximum().unwrap_or(0),
        has_maximum: ty.maximum().is_some(),
        is_64: ty.is_64(),
        shared: ty.is_shared(),
    }
}

/// A limiter refusal recorded while `op` ran, taken back out of the store.
fn refusal<R>(store: &mut WStore, op: impl FnOnce(&mut WStore) -> wasmtime::Result<R>) -> (wasmtime::Result<R>, Option<String>) {
    store.data_mut().limiter.refused = None;
    let result = op(&mut *store);
    (result, store.data_mut().limiter.refused.take())
}

/// Creates a memory of type `*ty` in `store`, zero-filled, and writes its
/// handle to `*out` (owned by the store).
///
/// A memory that is not shared is allocated for this store (not from the
/// engine's pool: pools hold instances' memories) and counts toward the
/// store's limits (`memory_size`, `memories`). A shared memory (`ty->shared`)
/// belongs to the engine and may be imported by instances of several stores
/// and threads; it lives while any of them or this handle does.
///
/// Errors: INVALID_ARGUMENT (NULL argument, an invalid type, a shared memory
/// without a maximum or in an engine with `wasm_threads` off);
/// LIMIT_EXCEEDED (the store's limits refuse it); OTHER (the system refused
/// the memory).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_memory_new(
    store: *mut wasmpool_store_t,
    ty: *const wasmpool_memorytype_t,
    out: *mut *mut wasmpool_memory_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let store = abi::arg_mut(store, "store")?;
        let ty = abi::arg_ref(ty, "ty")?;
        let out = abi::out(out, "out")?;
        let wty = memory_type(ty)?;
        let memory = if ty.shared {
            let memory = wasmtime::SharedMemory::new(store.store.engine(), wty).map_err(|e| {
                Error::invalid(format!(
                    "cannot create a shared memory: {e} (shared memories need the threads proposal: \
                     wasmpool_config_wasm_threads_set)"
                ))
            })?;
            Mem::Shared(memory)
        } else {
            match refusal(&mut store.store, |s| wasmtime::Memory::new(s, wty)) {
                (Ok(memory), _) => Mem::Local(memory),
                (Err(_), Some(why)) => return Err(Error::new(K::WASMPOOL_ERROR_LIMIT_EXCEEDED, why)),
                (Err(e), None) => {
                    let message = format!("cannot create the memory: {e:?}");
                    let kind = if message.contains("resource limit exceeded") {
                        K::WASMPOOL_ERROR_LIMIT_EXCEEDED
                    } else {
                        K::WASMPOOL_ERROR_OTHER
                    };
                    return Err(Error::new(kind, message));
                }
            }
        };
        let handle = wasmpool_memory_t { memory, store: StoreRef(store.store_ptr()) };
        out.write(keep(&mut store.store, handle));
        Ok(())
    })
}

/// Writes the current type of `memory` to `*out` (`minimum` is its size in
/// pages now). Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_memory_type(
    memory: *const wasmpool_memory_t,
    out: *mut wasmpool_memorytype_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let memory = abi::arg_ref(memory, "memory")?;
        let out = abi::out(out, "out")?;
        let ty = match &memory.memory {
            // SAFETY: the memory's store is alive (caller contract).
            Mem::Local(m) => m.ty(unsafe { memory.store() }),
            Mem::Shared(m) => m.ty(),
        };
        out.write(wasmpool_memorytype_t { minimum: size_pages(memory), ..to_c(&ty) });
        Ok(())
    })
}

fn size_pages(memory: &wasmpool_memory_t) -> u64 {
    match &memory.memory {
        // SAFETY: the memory's store is alive (caller contract).
        Mem::Local(m) => m.size(unsafe { memory.store() }),
        Mem::Shared(m) => m.size(),
    }
}

/// The size of `memory` in pages of 64 KiB; 0 if `memory` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_memory_size(memory: *const wasmpool_memory_t) -> u64 {
    abi::guard_value(0, || abi::opt_ref(memory).map_or(0, size_pages))
}

/// Writes the base address of `memory` to `*data` and its size in bytes to
/// `*size`.
///
/// The pointer is valid until the memory grows (from the host or a guest:
/// any call into a guest of the store may grow it) or the store is deleted.
/// A shared memory never moves, but other threads may write it at any time.
/// Errors: INVALID_ARGUMENT (NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_memory_data(
    memory: *const wasmpool_memory_t,
    data: *mut *mut u8,
    size: *mut usize,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let memory = abi::arg_ref(memory, "memory")?;
        match &memory.memory {
            // SAFETY: the memory's store is alive (caller contract).
            Mem::Local(m) => memory_view(Some(*m), &*unsafe { memory.store() }, "the memory", "", data, size),
            Mem::Shared(m) => {
                let data = abi::out(data, "data")?;
                let size = abi::out(size, "size")?;
                data.write(m.data().as_ptr().cast_mut().cast::<u8>());
                size.write(m.data_size());
                Ok(())
            }
        }
    })
}

/// Grows `memory` by `delta` pages (0 is allowed) and writes its previous
/// size in pages to `*previous` (may be NULL). Pointers from
/// `wasmpool_memory_data` may be invalid afterwards.
///
/// Errors: INVALID_ARGUMENT (NULL `memory`); LIMIT_EXCEEDED (beyond the
/// memory's maximum, the store's `memory_size` limit, or, for an instance's
/// memory, the pool's `max_memory_size`; the memory is unchanged).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_memory_grow(
    memory: *const wasmpool_memory_t,
    delta: u64,
    previous: *mut u64,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let memory = abi::arg_ref(memory, "memory")?;
        let before = size_pages(memory);
        let grown = match &memory.memory {
            // SAFETY: the memory's store is alive (caller contract).
            Mem::Local(m) => refusal(unsafe { memory.store() }, |s| m.grow(s, delta)),
            Mem::Shared(m) => (m.grow(delta), None),
        };
        match grown {
            (Ok(prev), _) => {
                if let Some(out) = abi::opt_out(previous) {
                    out.write(prev);
                }
                Ok(())
            }
            (Err(e), refused) => {
                let ty = match &memory.memory {
                    // SAFETY: as above.
                    Mem::Local(m) => m.ty(unsafe { memory.store() }),
                    Mem::Shared(m) => m.ty(),
                };
                let want = before.checked_add(delta);
                let why = match (ty.maximum(), refused, &memory.memory) {
                    (Some(max), _, _) if want.is_none_or(|want| want > max) => {
                        format!("the memory's maximum is {max} pages")
                    }
                    (_, Some(why), _) => why,
                    // A pooled memory cannot move: it grows within its slot only.
                    (_, None, Mem::Local(_)) => format!(
                        "{e}: beyond what the engine allows this memory (for an instance's memory under pooling, \
                         the pool's max_memory_size)"
                    ),
                    (_, None, Mem::Shared(_)) => format!("{e}"),
                };
                Err(Error::new(
                    K::WASMPOOL_ERROR_LIMIT_EXCEEDED,
                    format!("cannot grow the memory from {before} pages by {delta}: {why}"),
                ))
            }
        }
    })
}

/// Writes a handle for the exported memory `name` of `inst` to `*out`
/// (owned by the instance's store; a new handle per call).
/// Errors: INVALID_ARGUMENT (NULL argument); LINK (no exported memory of
/// that name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_memory(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    out: *mut *mut wasmpool_memory_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, abi::arg_str(name, "name")?, out))
}

/// `wasmpool_instance_export_memory` with the name given as `name_len` bytes
/// at `name` (UTF-8, NUL allowed; NULL only with `name_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_instance_export_memory_n(
    inst: *const wasmpool_instance_t,
    name: *const c_char,
    name_len: usize,
    out: *mut *mut wasmpool_memory_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| export(abi::arg_ref(inst, "inst")?, arg_name(name, name_len, "name")?, out))
}

fn export(inst: &wasmpool_instance_t, name: &str, out: *mut *mut wasmpool_memory_t) -> Result<()> {
    let out = abi::out(out, "out")?;
    let (memory, store) = instance_export(inst, name, "memory", |e| match e {
        wasmtime::Extern::Memory(m) => Some(Mem::Local(m)),
        wasmtime::Extern::SharedMemory(m) => Some(Mem::Shared(m)),
        _ => None,
    })?;
    // SAFETY: the instance's store is alive (caller contract).
    out.write(keep(unsafe { store.get() }, wasmpool_memory_t { memory, store }));
    Ok(())
}
