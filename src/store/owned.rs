//! Handles a store owns (instances): they live until the store is deleted,
//! and their addresses never change, so C can hold pointers to them.

use crate::abi::{Handle, StoreOwned};

/// The store-owned handles of one kind.
pub(crate) struct Owned<T> {
    /// The first lives inline: the usual one instance per request costs no
    /// allocation. The store handle is boxed and never moves, so neither
    /// does it.
    first: Option<T>,
    /// Further ones, boxed so that their handles stay put.
    more: Vec<Box<T>>,
}

impl<T> Default for Owned<T> {
    fn default() -> Self {
        Owned { first: None, more: Vec::new() }
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
