//! `wasmpool_engine_t`: a Wasmtime engine built from a `wasmpool_config_t`,
//! with the strategy actually in force and, for `AUTO`, why pooling was not
//! used.

use std::ffi::{CString, c_char};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

pub mod metrics;
pub(crate) mod slots;

use crate::abi::{self, Boxed, Error, Handle, Result, wasmpool_error_kind_t, wasmpool_error_t};
use crate::config::{Knobs, wasmpool_config_t, wasmpool_strategy_t};

/// A compilation and runtime environment: the pool of slots, compiled code,
/// the configuration it was built with.
///
/// Create with `wasmpool_engine_new`, release with `wasmpool_engine_delete`
/// after every module and store made from it has been deleted.
///
/// Thread safety: an engine may be used from any number of threads at once.
pub struct wasmpool_engine_t {
    // Dropped first: stops and joins the ticker thread.
    ticker: Option<Ticker>,
    pub(crate) engine: wasmtime::Engine,
    pub(crate) knobs: Knobs,
    pub(crate) strategy: wasmpool_strategy_t,
    pub(crate) fallback_reason: Option<CString>,
    /// Kept so that a metrics snapshot does not clone the engine each time.
    pub(crate) metrics: Option<wasmtime::PoolingAllocatorMetrics>,
    /// Instantiations waiting for a free slot, woken by store deletions.
    pub(crate) slots: std::sync::Arc<crate::engine::slots::SlotQueue>,
    /// The compilation cache (`wasmpool_config_cache_dir_set`), for its statistics.
    pub(crate) cache: Option<wasmtime::Cache>,
}

impl Handle for wasmpool_engine_t {
    type Ownership = Boxed;
}

impl wasmpool_engine_t {
    pub(crate) fn is_pooling(&self) -> bool {
        self.strategy == wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING
    }

    /// The ticker's period, when this engine runs one.
    pub(crate) fn tick_interval(&self) -> Option<Duration> {
        self.ticker.as_ref().map(|t| t.interval)
    }
}

/// One thread per engine that advances the epoch at a fixed period. Dropping
/// it closes the channel, which wakes the thread at once, and joins it.
struct Ticker {
    interval: Duration,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: &wasmtime::Engine, interval: Duration) -> Result<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let engine = engine.clone();
        let thread = thread::Builder::new()
            .name("wasmpool-epoch".into())
            .spawn(move || {
                // Ticks on an absolute schedule (start + k x interval), so
                // wake-up latency does not accumulate into drift.
                let mut next = Instant::now() + interval;
                loop {
                    let wait = next.saturating_duration_since(Instant::now());
                    match stopped.recv_timeout(wait) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        _ => break,
                    }
                    engine.increment_epoch();
                    next += interval;
                    // After a long stall (suspended process), resume from
                    // now instead of firing a burst of catch-up ticks.
                    let now = Instant::now();
                    if next + interval < now {
                        next = now + interval;
                    }
                }
            })
            .map_err(|e| Error::new(wasmpool_error_kind_t::WASMPOOL_ERROR_ENGINE, format!("cannot start the epoch ticker thread: {e}")))?;
        Ok(Ticker { interval, stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn build(knobs: &Knobs, pooling: bool, cache: Option<&wasmtime::Cache>) -> Result<wasmtime::Engine, wasmtime::Error> {
    let mut config = knobs.to_wasmtime(pooling);
    config.cache(cache.cloned());
    wasmtime::Engine::new(&config)
}

fn engine_error(err: &wasmtime::Error, what: &str) -> Error {
    Error::new(wasmpool_error_kind_t::WASMPOOL_ERROR_ENGINE, format!("{what}: {err:?}"))
}

/// Whether a failed pooling engine failed because the host refused to map
/// the pool (an OS error in the cause chain), as opposed to a contradictory
/// configuration, which AUTO must report instead of hiding.
fn is_host_refusal(err: &wasmtime::Error) -> bool {
    err.is::<rustix::io::Errno>() || err.is::<std::io::Error>()
}

fn new_engine(knobs: &Knobs) -> Result<wasmpool_engine_t> {
    knobs.validate()?;
    let cache = crate::diag::cache::open(knobs)?;
    let made = |engine: wasmtime::Engine, strategy, fallback_reason| wasmpool_engine_t {
        ticker: None,
        metrics: engine.pooling_allocator_metrics(),
        slots: Default::default(),
        cache: cache.clone(),
        engine,
        knobs: knobs.clone(),
        strategy,
        fallback_reason,
    };
    let mut engine = pick_strategy(knobs, cache.as_ref(), made)?;
    let e = &knobs.engine;
    if e.epoch_interruption && e.epoch_tick_interval_ms > 0 {
        engine.ticker = Some(Ticker::start(&engine.engine, Duration::from_millis(e.epoch_tick_interval_ms))?);
    }
    Ok(engine)
}

fn pick_strategy(
    knobs: &Knobs,
    cache: Option<&wasmtime::Cache>,
    made: impl Fn(wasmtime::Engine, wasmpool_strategy_t, Option<CString>) -> wasmpool_engine_t,
) -> Result<wasmpool_engine_t> {
    use wasmpool_strategy_t as S;
    match knobs.engine.strategy {
        S::WASMPOOL_STRATEGY_POOLING => build(knobs, true, cache)
            .map(|e| made(e, S::WASMPOOL_STRATEGY_POOLING, None))
            .map_err(|e| engine_error(&e, "cannot create a pooling engine")),
        S::WASMPOOL_STRATEGY_ON_DEMAND => build(knobs, false, cache)
            .map(|e| made(e, S::WASMPOOL_STRATEGY_ON_DEMAND, None))
            .map_err(|e| engine_error(&e, "cannot create an on-demand engine")),
        S::WASMPOOL_STRATEGY_AUTO => match build(knobs, true, cache) {
            Ok(e) => Ok(made(e, S::WASMPOOL_STRATEGY_POOLING, None)),
            Err(pool_err) if is_host_refusal(&pool_err) => {
                let reason = format!(
                    "the pooling allocator could not reserve its pools: {}; the host refused: {pool_err:#}",
                    crate::config::footprint::describe(knobs)
                );
                let engine = build(knobs, false, cache).map_err(|e| {
                    engine_error(&e, &format!("{reason}; and the on-demand fallback failed"))
                })?;
                let reason = CString::new(reason.replace('\0', " ")).ok();
                Ok(made(engine, S::WASMPOOL_STRATEGY_ON_DEMAND, reason))
            }
            Err(e) => Err(engine_error(&e, "cannot create a pooling engine")),
        },
    }
}

/// Builds an engine from `cfg` and writes it to `*out`.
///
/// `cfg` is only read: it stays owned by the caller and may be changed or
/// deleted afterwards. The new engine is owned by the caller
/// (`wasmpool_engine_delete`). With `WASMPOOL_STRATEGY_POOLING` the whole pool
/// is reserved now; with `WASMPOOL_STRATEGY_AUTO` a refused reservation falls
/// back to on-demand allocation (see `wasmpool_engine_strategy` and
/// `wasmpool_engine_fallback_reason`).
///
/// Errors: INVALID_ARGUMENT (NULL `cfg` or `out`); ENGINE with Wasmtime's
/// message when the configuration is contradictory or the pool cannot be
/// reserved (or a profiler cannot start); IO naming the path when the
/// compilation cache directory cannot be created or used. The process is
/// never aborted. `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_new(
    cfg: *const wasmpool_config_t,
    out: *mut *mut wasmpool_engine_t,
) -> *mut wasmpool_error_t {
    abi::guard(|| {
        let cfg = abi::arg_ref(cfg, "cfg")?;
        let out = abi::out(out, "out")?;
        let engine = new_engine(&cfg.knobs)?;
        out.write(abi::into_boxed(engine));
        Ok(())
    })
}

/// Releases `engine`. NULL is accepted and ignored. Every module, store and
/// other object created from it must have been deleted first. The engine's
/// epoch ticker thread, if any, is stopped and joined before this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_delete(engine: *mut wasmpool_engine_t) {
    unsafe { abi::delete(engine) }
}

/// The strategy in force: `WASMPOOL_STRATEGY_POOLING` or
/// `WASMPOOL_STRATEGY_ON_DEMAND`, never `AUTO` (which resolves to one of
/// them). Returns `WASMPOOL_STRATEGY_AUTO` only when `engine` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_strategy(engine: *const wasmpool_engine_t) -> wasmpool_strategy_t {
    let unknown = wasmpool_strategy_t::WASMPOOL_STRATEGY_AUTO;
    abi::guard_value(unknown, || abi::opt_ref(engine).map_or(unknown, |e| e.strategy))
}

/// Why an `AUTO` engine is not pooling: a NUL-terminated string naming what
/// the host refused, or NULL when the engine uses the strategy it was asked
/// for (or `engine` is NULL). The string is borrowed from the engine and
/// valid until `wasmpool_engine_delete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_fallback_reason(engine: *const wasmpool_engine_t) -> *const c_char {
    abi::guard_value(std::ptr::null(), || {
        abi::opt_ref(engine)
            .and_then(|e| e.fallback_reason.as_deref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Advances the engine's epoch by one tick, for hosts that drive deadlines
/// themselves. Safe to call from any thread, including a signal-free timer
/// thread, while guests run. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmpool_engine_increment_epoch(engine: *const wasmpool_engine_t) {
    abi::guard_value((), || {
        if let Some(e) = abi::opt_ref(engine) {
            e.engine.increment_epoch();
        }
    })
}
