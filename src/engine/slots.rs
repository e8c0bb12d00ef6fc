//! Waiting for a free pool slot (`slot_wait_timeout_ms`): when an
//! instantiation finds the pool full, it queues up and retries each time a
//! store of the engine is deleted, until it gets a slot or its time is up.
//!
//! Waiters are served in arrival order: only the head of the queue retries,
//! and a newcomer that finds others waiting joins the queue instead of
//! trying first, so a steady stream of instantiations cannot starve anyone.
//! Engines without a timeout never touch the lock.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::abi::{Error, Result, wasmpool_error_kind_t as K};

#[derive(Default)]
struct Queue {
    next_ticket: u64,
    order: VecDeque<u64>,
    /// Incremented by every store deletion while someone waits.
    releases: u64,
}

/// One per engine, shared with its stores.
#[derive(Default)]
pub(crate) struct SlotQueue {
    queue: Mutex<Queue>,
    changed: Condvar,
    waiting: AtomicUsize,
}

fn exhausted<T>(e: &Result<T>) -> bool {
    matches!(e, Err(err) if err.kind == K::WASMPOOL_ERROR_POOL_EXHAUSTED)
}

impl SlotQueue {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic while holding this lock cannot leave the queue inconsistent
        // in a way that matters more than a lost wake-up; keep serving.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Called after a store's slots went back to the pool.
    pub(crate) fn released(&self) {
        if self.waiting.load(Ordering::Acquire) == 0 {
            return;
        }
        self.lock().releases += 1;
        self.changed.notify_all();
    }

    /// Runs `attempt`, waiting up to `timeout` in line for a free slot while
    /// it fails with POOL_EXHAUSTED.
    pub(crate) fn acquire<T>(&self, timeout: Duration, mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
        if timeout.is_zero() {
            return attempt();
        }
        if self.waiting.load(Ordering::Acquire) == 0 {
            let first = attempt();
            if !exhausted(&first) {
                return first;
            }
        }
        let deadline = Instant::now() + timeout;
        let mut q = self.lock();
        let ticket = q.next_ticket;
        q.next_ticket += 1;
        q.order.push_back(ticket);
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let result = loop {
            if q.order.front() == Some(&ticket) {
                let seen = q.releases;
                drop(q);
                let r = attempt();
                q = self.lock();
                if !exhausted(&r) {
                    break r;
                }
                if q.releases != seen {
                    continue; // a slot was freed while we tried: try again
                }
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(Error::new(
                    K::WASMPOOL_ERROR_POOL_EXHAUSTED,
                    format!("no pool slot became free within {} ms", timeout.as_millis()),
                ));
            }
            q = self.changed.wait_timeout(q, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        };
        q.order.retain(|t| *t != ticket);
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        drop(q);
        // The next in line may go now.
        self.changed.notify_all();
        result
    }
}

/// Tells the engine's queue that a store's slots are back; the last field of
/// `wasmpool_store_t`, so it runs after the Wasmtime store is dropped.
pub(crate) struct ReleaseNotice(pub(crate) std::sync::Arc<SlotQueue>);

impl Drop for ReleaseNotice {
    fn drop(&mut self) {
        self.0.released();
    }
}
