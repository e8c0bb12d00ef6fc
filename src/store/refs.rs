//! The roots a store keeps for the externref and anyref values the C host
//! holds. Wasmtime's `OwnedRooted` keeps a GC object alive while it exists;
//! C cannot hold one safely (a copied or freed struct would be a dangling
//! root), so the host holds a `wasmpool_ref_t` instead: the store's serial
//! number and a slot index with a generation. Every look-up checks all
//! three, so a ref of another store, of a deleted store, or one released
//! with `wasmpool_ref_release` is an error, never a read of freed memory.
//! A leaf, like `data.rs`, which holds it.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::{AnyRef, ExternRef, OwnedRooted};

use crate::store::cold_drop::take_box;

/// An externref or anyref value held by the host: a root in its store.
///
/// Plain data, copied freely; what it names is a root the store holds for
/// the host, alive until `wasmpool_ref_release` or the store's deletion,
/// whichever comes first (a root made while a host function runs: until it
/// returns). Every ref wasmpool writes is a new root.
/// All zero (`{0, 0}`, what `memset` or `= {0}` gives) is the null
/// reference. Every other value is checked against the store it is used
/// with: a ref of another store, of a deleted store, or released, is an
/// INVALID_ARGUMENT error naming the argument.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wasmpool_ref_t {
    /// The serial number of the store holding the root (0 for null).
    pub store: u64,
    /// The root's slot in that store (generation in the high 32 bits, index
    /// in the low 32; 0 for null).
    pub id: u64,
}

impl wasmpool_ref_t {
    /// The null reference.
    pub(crate) const NULL: Self = wasmpool_ref_t { store: 0, id: 0 };

    pub(crate) fn is_null(self) -> bool {
        self == Self::NULL
    }
}

/// What a slot roots.
#[derive(Clone)]
pub(crate) enum Root {
    Extern(OwnedRooted<ExternRef>),
    Any(OwnedRooted<AnyRef>),
}

impl Root {
    pub(crate) fn what(&self) -> &'static str {
        match self {
            Root::Extern(_) => "an externref",
            Root::Any(_) => "an anyref",
        }
    }
}

struct Slot {
    generation: u32,
    root: Option<Root>,
}

/// Process-wide store serial numbers; 0 is reserved for null refs.
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(1);

/// A store's host-held roots.
///
/// Most stores never hold one, so a new store pays for neither a serial
/// number (an atomic increment) nor the tables until the first root or
/// the first question about its serial.
#[derive(Default)]
pub(crate) struct RefTable {
    /// The store's number, unique in the process (0 until first needed): a
    /// ref or an exception's tag kept outside the store carries it, so a
    /// lookup can tell whether it belongs to this store.
    serial: Cell<u64>,
    /// How many host functions of this store are running now (nested when
    /// a host function calls back into a guest).
    depth: u32,
    /// The roots, made with the first one.
    roots: Option<Box<Roots>>,
}

impl Drop for RefTable {
    #[inline]
    fn drop(&mut self) {
        take_box(&mut self.roots);
    }
}

#[derive(Default)]
struct Roots {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Roots made while a host function runs, with the depth of the one
    /// that made them, released when it returns.
    scoped: Vec<(u32, wasmpool_ref_t)>,
}

/// Why a ref could not be resolved, for the caller to put in a message.
pub(crate) enum Stale {
    OtherStore,
    Released,
}

impl Stale {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Stale::OtherStore => "the reference belongs to another store (or to a deleted one)",
            Stale::Released => "the reference was released (wasmpool_ref_release) and is no longer rooted",
        }
    }
}

impl RefTable {
    /// The store's number (see the field), taken on first use.
    pub(crate) fn serial(&self) -> u64 {
        if self.serial.get() == 0 {
            self.serial.set(NEXT_SERIAL.fetch_add(1, Ordering::Relaxed));
        }
        self.serial.get()
    }

    /// Roots `root` and returns the handle naming it.
    pub(crate) fn insert(&mut self, root: Root) -> wasmpool_ref_t {
        let serial = self.serial();
        let depth = self.depth;
        let roots = self.roots.get_or_insert_default();
        let index = match roots.free.pop() {
            Some(i) => i,
            None => {
                roots.slots.push(Slot { generation: 0, root: None });
                (roots.slots.len() - 1) as u32
            }
        };
        let slot = &mut roots.slots[index as usize];
        // Generations start at 1 so that no live id is 0 (null).
        slot.generation = slot.generation.wrapping_add(1).max(1);
        slot.root = Some(root);
        let r = wasmpool_ref_t { store: serial, id: (u64::from(slot.generation) << 32) | u64::from(index) };
        if depth > 0 {
            roots.scoped.push((depth, r));
        }
        r
    }

    /// A host function starts: roots made from now on are its own.
    pub(crate) fn open_scope(&mut self) {
        self.depth += 1;
    }

    /// The host function returned (its results already read): its roots
    /// go, except those the host released itself, which are gone already.
    pub(crate) fn close_scope(&mut self) {
        let depth = self.depth;
        self.depth = depth.checked_sub(1).expect("a scope is open");
        let Some(roots) = self.roots.as_mut() else { return };
        let mark = roots.scoped.iter().rposition(|&(d, _)| d < depth).map_or(0, |i| i + 1);
        let made: Vec<_> = roots.scoped.drain(mark..).map(|(_, r)| r).collect();
        for r in made {
            let _ = self.release(r);
        }
    }

    fn slot(&self, r: wasmpool_ref_t) -> Result<(usize, &Roots), Stale> {
        let roots = match &self.roots {
            Some(roots) if r.store == self.serial.get() => roots,
            _ => return Err(Stale::OtherStore),
        };
        let index = (r.id & 0xffff_ffff) as usize;
        let generation = (r.id >> 32) as u32;
        match roots.slots.get(index) {
            Some(s) if s.generation == generation && s.root.is_some() => Ok((index, roots)),
            _ => Err(Stale::Released),
        }
    }

    /// The root `r` names (not null: the caller checked).
    pub(crate) fn get(&self, r: wasmpool_ref_t) -> Result<&Root, Stale> {
        let (i, roots) = self.slot(r)?;
        Ok(roots.slots[i].root.as_ref().expect("slot() checked"))
    }

    /// Unroots `r`; its object may be collected by the next GC.
    pub(crate) fn release(&mut self, r: wasmpool_ref_t) -> Result<(), Stale> {
        let (i, _) = self.slot(r)?;
        let roots = self.roots.as_mut().expect("slot() checked");
        roots.slots[i].root = None;
        roots.free.push(i as u32);
        Ok(())
    }

    /// Number of roots held.
    pub(crate) fn len(&self) -> usize {
        self.roots.as_ref().map_or(0, |r| r.slots.len() - r.free.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(store: &mut wasmtime::Store<()>) -> Root {
        let r = ExternRef::new(&mut *store, 0u32).expect("an externref");
        Root::Extern(r.to_owned_rooted(&mut *store).expect("rooted"))
    }

    /// Roots made inside nested host-function scopes go with their own
    /// scope only; roots made outside any scope stay.
    #[test]
    fn nested_scopes_release_their_own_roots() {
        let mut store = wasmtime::Store::<()>::default();
        let mut t = RefTable::default();
        assert_eq!(t.len(), 0);
        let kept = t.insert(root(&mut store));
        t.open_scope();
        let outer = t.insert(root(&mut store));
        t.open_scope();
        let inner = t.insert(root(&mut store));
        t.close_scope();
        assert!(matches!(t.get(inner), Err(Stale::Released)));
        assert!(t.get(outer).is_ok());
        t.close_scope();
        assert!(matches!(t.get(outer), Err(Stale::Released)));
        assert!(t.get(kept).is_ok());
        assert_eq!(t.len(), 1);
        assert_ne!(kept.store, 0);
    }

    /// A table that never rooted anything still tells another store's refs
    /// apart, and takes a serial of its own only when asked.
    #[test]
    fn serial_is_taken_on_first_use() {
        let mut store = wasmtime::Store::<()>::default();
        let mut other = RefTable::default();
        let theirs = other.insert(root(&mut store));
        let t = RefTable::default();
        assert!(matches!(t.get(theirs), Err(Stale::OtherStore)));
        assert_eq!(t.serial.get(), 0);
        let s = t.serial();
        assert!(s != 0 && s != theirs.store && t.serial() == s);
    }
}
