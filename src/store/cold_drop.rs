//! Drops that cost nothing inline for what a per-request store rarely holds.
//!
//! A store is made and deleted per request, and its delete runs the drop of
//! every field of the store, of its data and of its instance handles. A field
//! that is usually empty (a `Vec` never pushed to, an `Option<Box<_>>` left
//! `None`) still gets drop code of its own, with the drop of what it might
//! hold inlined there; that makes the code too big to inline into its parent,
//! so every delete called a few functions that found nothing to do, each
//! costing instruction cache lines on a path that already runs more code
//! than the cache holds (bench/REPORT.md, section 9). Here the test for
//! emptiness is inline and only a value that holds something is dropped, by
//! a function of its own.

use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

/// Drops `value` in a function of its own.
#[inline(never)]
fn drop_out_of_line<T>(value: T) {
    drop(value);
}

/// Drops the box `slot` holds, if any, out of line, leaving `None` (for the
/// `Drop` of a type with such a field: the field's own drop then folds away).
#[inline]
pub(crate) fn take_box<T>(slot: &mut Option<Box<T>>) {
    if let Some(boxed) = slot.take() {
        drop_out_of_line(boxed);
    }
}

/// A `Vec` whose drop is one inline test when it never allocated.
pub(crate) struct SparseVec<T>(ManuallyDrop<Vec<T>>);

impl<T> Default for SparseVec<T> {
    fn default() -> Self {
        SparseVec(ManuallyDrop::new(Vec::new()))
    }
}

impl<T> Deref for SparseVec<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for SparseVec<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> Drop for SparseVec<T> {
    #[inline]
    fn drop(&mut self) {
        if self.0.capacity() != 0 {
            // SAFETY: the vector is taken once, here, and never used again.
            drop_out_of_line(unsafe { ManuallyDrop::take(&mut self.0) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Counts the drops of its clones through the strong count of one `Arc`.
    fn live(counter: &Arc<()>) -> usize {
        Arc::strong_count(counter) - 1
    }

    #[test]
    fn sparse_vec_drops_each_element_once() {
        let counter = Arc::new(());
        let mut v = SparseVec::default();
        v.push(Arc::clone(&counter));
        v.push(Arc::clone(&counter));
        assert_eq!(live(&counter), 2);
        drop(v);
        assert_eq!(live(&counter), 0);
        // Never allocated: nothing to drop, and nothing breaks.
        drop(SparseVec::<Arc<()>>::default());
    }

    #[test]
    fn take_box_drops_the_box_and_leaves_none() {
        let counter = Arc::new(());
        let mut slot = Some(Box::new(Arc::clone(&counter)));
        take_box(&mut slot);
        assert!(slot.is_none());
        assert_eq!(live(&counter), 0);
        take_box(&mut slot);
        assert!(slot.is_none());
    }
}
