//! Handles a store owns (instances): they live until the store is deleted,
//! and their addresses never change, so C can hold pointers to them.

use std::mem::ManuallyDrop;

use crate::abi::{Handle, StoreOwned};
use crate::store::cold_drop::SparseVec;

/// The store-owned handles of one kind.
pub(crate) struct Owned<T> {
    /// The first lives inline: the usual one instance per request costs no
    /// allocation. The store handle is boxed and never moves, so neither
    /// does it. Dropped by `Drop`, only when present (see `cold_drop`).
    first: ManuallyDrop<Option<T>>,
    /// Further ones, boxed so that their handles stay put.
    more: SparseVec<Box<T>>,
}

impl<T> Default for Owned<T> {
    fn default() -> Self {
        Owned { first: ManuallyDrop::new(None), more: SparseVec::default() }
    }
}

impl<T> Drop for Owned<T> {
    /// The first, then the others; a store without any (of this kind) only
    /// tests (see `cold_drop`).
    #[inline]
    fn drop(&mut self) {
        if self.first.is_some() {
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(&mut self.first) }
        }
    }
}

impl<T: Handle<Ownership = StoreOwned>> Owned<T> {
    /// Takes `value` and returns its stable address, valid while `self` is.
    pub(crate) fn adopt(&mut self, value: T) -> *mut T {
        if self.first.is_none() {
            return self.first.insert(value);
        }
        let mut boxed = Box::new(value);
        let ptr: *mut T = &mut *boxed;
        self.more.push(boxed);
        ptr
    }

    pub(crate) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Counted(#[allow(dead_code, reason = "held for its drop")] Arc<()>);

    impl Handle for Counted {
        type Ownership = StoreOwned;
    }

    #[test]
    fn drops_the_first_and_the_others_once() {
        let counter = Arc::new(());
        let mut owned = Owned::default();
        let first = owned.adopt(Counted(Arc::clone(&counter)));
        let second = owned.adopt(Counted(Arc::clone(&counter)));
        assert_ne!(first, second);
        assert_eq!(owned.len(), 2);
        assert_eq!(Arc::strong_count(&counter), 3);
        drop(owned);
        assert_eq!(Arc::strong_count(&counter), 1);
        // Empty: nothing to drop.
        drop(Owned::<Counted>::default());
    }
}
