//! The Rust-native path of the benchmark: the `wasmtime` crate called directly, with the same
//! Wasmtime version, features and configuration as wasmpool. What it measures is the floor a
//! wrapper can reach.
//!
//! ```text
//! bench_native round   modules=DIR large=CWASM [pool_total=1000 target_ms=200 warmup=200
//!                      conc_ms=500 loop=1000]
//! bench_native compile wasm=FILE out=CWASM [trials=3 dtrials=10]
//! bench_native components ...          (component.rs)
//! bench_native component_compile ...   (component.rs)
//! bench_native wasi ...                (wasi.rs)
//! bench_native http ...                (http.rs)
//! ```
//!
//! Same measurements and JSON lines as bench/c/bench_wasmpool.c's commands of the same name.
//! `round` takes the same options (only=, cases=, strategies=, calls=, iters=, large=none,
//! mem_keep=, table_keep=, pagemap=1, label=).

mod component;
mod http;
mod wasi;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use wasmtime::{
    Config, Engine, Func, FuncType, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, Store, Val, ValType,
};

type Result<T> = wasmtime::Result<T>;

struct Args(HashMap<String, String>);

impl Args {
    fn parse() -> (String, Args) {
        let mut it = std::env::args().skip(1);
        let cmd = it.next().unwrap_or_default();
        let map = it
            .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        (cmd, Args(map))
    }
    fn str(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| fail(&format!("missing argument {key}=...")))
    }
    /// Whether `name` is in the comma-separated list `key` (everything when not given).
    fn selects(&self, key: &str, name: &str) -> bool {
        self.0.get(key).is_none_or(|list| list.split(',').any(|n| n == name))
    }
    fn u64(&self, key: &str, fallback: u64) -> u64 {
        match self.0.get(key) {
            None => fallback,
            Some(v) => v.parse().unwrap_or_else(|_| fail(&format!("argument {key}={v} is not a number"))),
        }
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("bench_native: {msg}");
    std::process::exit(2)
}

fn emit(bench: &str, case: &str, strategy: &str, variant: &str, threads: u32, value: f64, unit: &str, iters: u64) {
    emit_extra(bench, case, strategy, variant, threads, value, unit, iters, "");
}

#[allow(clippy::too_many_arguments)]
fn emit_extra(
    bench: &str,
    case: &str,
    strategy: &str,
    variant: &str,
    threads: u32,
    value: f64,
    unit: &str,
    iters: u64,
    extra: &str,
) {
    println!(
        "{{\"path\":\"native\",\"bench\":\"{bench}\",\"case\":\"{case}\",\"strategy\":\"{strategy}\",\
         \"variant\":\"{variant}\",\"threads\":{threads},\"value\":{value:.6},\"unit\":\"{unit}\",\"iters\":{iters}{extra}}}"
    );
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid out-pointer and clock id.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The command line, for the keep-resident sizes read by `engine`.
static KEEP: std::sync::OnceLock<Args> = std::sync::OnceLock::new();

static FIXED_ITERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Timed batches per measurement (`reps=`, default 5, at most 64), read once in `main`.
static REPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(5);

/// Lockstep with the other paths' programs, as bench_common.h's `gate_enter`/`gate_leave`: with
/// `BENCH_GATE="R,W"` (file descriptors the driver passes, harness/lockstep.py) each timed batch
/// writes `r` to W, waits for a byte on R, runs, and writes `d` to W; the driver hands out the
/// turns round-robin, so the compared paths' batches alternate and a change in the machine's
/// speed falls on all of them alike.
struct Gate {
    turn: std::fs::File,
    report: std::fs::File,
}

static GATE: std::sync::OnceLock<Option<std::sync::Mutex<Gate>>> = std::sync::OnceLock::new();

fn gate() -> Option<&'static std::sync::Mutex<Gate>> {
    GATE.get_or_init(|| {
        use std::os::fd::FromRawFd;
        let spec = std::env::var("BENCH_GATE").ok()?;
        let (r, w) = spec.split_once(',')?;
        let (r, w): (i32, i32) = (r.parse().ok()?, w.parse().ok()?);
        // SAFETY: the driver passes these two descriptors to this process for the gate alone.
        let (turn, report) = unsafe { (std::fs::File::from_raw_fd(r), std::fs::File::from_raw_fd(w)) };
        Some(std::sync::Mutex::new(Gate { turn, report }))
    })
    .as_ref()
}

/// Runs `f` in this process's turn (at once without a gate).
fn in_turn<T>(f: impl FnOnce() -> T) -> T {
    use std::io::{Read, Write};
    let Some(gate) = gate() else { return f() };
    let mut g = gate.lock().unwrap_or_else(|e| e.into_inner());
    let mut byte = [0u8];
    if g.report.write_all(b"r").is_err() || g.turn.read_exact(&mut byte).is_err() {
        fail("gate: the driver went away");
    }
    let out = f();
    if g.report.write_all(b"d").is_err() {
        fail("gate: the driver went away");
    }
    out
}

/// Warm up, grow the batch until it takes a tenth of `target`, then time `reps` batches that
/// take about `target` together, each in its turn (as bench_common.h's `measure`). Returns
/// (median batch's ns per op, iterations).
fn measure(mut batch: impl FnMut(u64), warmup: u64, target: Duration) -> (f64, u64) {
    if warmup > 0 {
        batch(warmup);
    }
    let fixed = FIXED_ITERS.load(Ordering::Relaxed); // for profiling: no calibration
    if fixed > 0 {
        let t0 = Instant::now();
        batch(fixed);
        return (t0.elapsed().as_nanos() as f64 / fixed as f64, fixed);
    }
    let mut n = 1u64;
    let took = loop {
        let t0 = Instant::now();
        batch(n);
        let took = t0.elapsed();
        if took >= target / 10 || n >= 1 << 40 {
            break took;
        }
        n *= 2;
    };
    // Batches of a reps-th each; the median batch resists a burst of other load.
    let reps = REPS.load(Ordering::Relaxed);
    let iters = ((n as f64 * target.as_nanos() as f64 / took.as_nanos().max(1) as f64 / reps as f64) as u64).max(1);
    let mut per: Vec<f64> = (0..reps)
        .map(|_| {
            in_turn(|| {
                let t0 = Instant::now();
                batch(iters);
                t0.elapsed().as_nanos() as f64 / iters as f64
            })
        })
        .collect();
    per.sort_by(|a, b| a.total_cmp(b));
    (per[reps as usize / 2], iters * reps)
}

/// The timing options every measurement takes (`target_ms`, `warmup`).
struct Timing {
    target: Duration,
    warmup: u64,
}

impl Timing {
    /// `measure` with these options.
    fn measure(&self, batch: impl FnMut(u64)) -> (f64, u64) {
        measure(batch, self.warmup, self.target)
    }
}

/// Runs `run` for each allocation strategy `args` selects (pooling first), with a fresh engine
/// of `pool_total` slots; reads the timing options and `iters` (fixed batches, for profiling)
/// once for all. `run` gets whether the engine pools and the strategy's name.
fn each_strategy(args: &Args, mut run: impl FnMut(&Timing, bool, &str, &Engine) -> Result<()>) -> Result<()> {
    let total = args.u64("pool_total", 1000) as u32;
    let timing = Timing { target: Duration::from_millis(args.u64("target_ms", 200)), warmup: args.u64("warmup", 200) };
    FIXED_ITERS.store(args.u64("iters", 0), Ordering::Relaxed);
    for pooling in [true, false] {
        let strategy = if pooling { "pooling" } else { "ondemand" };
        if args.selects("strategies", strategy) {
            run(&timing, pooling, strategy, &engine(pooling, total)?)?;
        }
    }
    Ok(())
}

/// Wasmtime's defaults, with each pool total set to `total` (as the C paths do).
fn engine(pooling: bool, total: u32) -> Result<Engine> {
    let keep = |key: &str| KEEP.get().and_then(|a| a.0.get(key)).map_or(0, |v| v.parse().unwrap_or(0));
    let mut config = Config::new();
    if pooling {
        let mut p = PoolingAllocationConfig::new();
        // core_total: more core instances than other slots (a component has several)
        p.total_core_instances(keep("core_total").try_into().ok().filter(|&n: &u32| n > 0).unwrap_or(total))
            .total_memories(total)
            .total_tables(total)
            .total_stacks(total)
            .total_component_instances(total)
            .total_gc_heaps(total)
            // 0 (Wasmtime's default) unless a measurement asks for keep-resident slots
            .linear_memory_keep_resident(keep("mem_keep"))
            .table_keep_resident(keep("table_keep"));
        if keep("pagemap") != 0 {
            p.pagemap_scan(wasmtime::Enabled::Yes);
        }
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(p));
    } else {
        config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
    }
    Engine::new(&config)
}

fn load_wat(engine: &Engine, dir: &str, name: &str) -> Result<Module> {
    Module::from_file(engine, format!("{dir}/{name}.wat"))
}

fn pre(engine: &Engine, module: &Module, traps: bool) -> Result<InstancePre<()>> {
    let mut linker = Linker::new(engine);
    if traps {
        linker.define_unknown_imports_as_traps(module)?;
    }
    linker.instantiate_pre(module)
}

fn instantiate_once(engine: &Engine, pre: &InstancePre<()>) {
    let mut store = Store::new(engine, ());
    let instance = pre.instantiate(&mut store).unwrap_or_else(|e| fail(&format!("instantiate: {e:?}")));
    black_box(instance);
    drop(store);
}

/// Runs `threads` threads instantiating for `duration`; summed ops/s, total ops and the
/// threads' CPU time over their wall time (see bench_common.h's `run_threads`).
fn concurrent(engine: &Engine, pre: &InstancePre<()>, threads: u32, duration: Duration) -> (f64, u64, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(std::sync::Barrier::new(threads as usize + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (engine, pre, stop, barrier) = (engine.clone(), pre.clone(), stop.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let (t0, c0) = (Instant::now(), thread_cpu());
                let mut ops = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    instantiate_once(&engine, &pre);
                    ops += 1;
                }
                (ops, thread_cpu() - c0, t0.elapsed())
            })
        })
        .collect();
    barrier.wait();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let (mut rate, mut total, mut cpu, mut wall) = (0.0, 0, 0.0, 0.0);
    for h in handles {
        let (ops, used, took) = h.join().unwrap();
        rate += ops as f64 / took.as_secs_f64();
        total += ops;
        cpu += used.as_secs_f64();
        wall += took.as_secs_f64();
    }
    (rate, total, if wall > 0.0 { cpu / wall * threads as f64 } else { 0.0 })
}

const CASES: [&str; 4] = ["empty", "mem1", "mem17data", "large"];

fn calls(engine: &Engine, dir: &str, target: Duration, n: i32, args: &Args) -> Result<()> {
    let module = load_wat(engine, dir, "calls")?;
    // Dynamic flavour, what a C API does: untyped host function, Func::call with Val slices.
    let mut linker = Linker::<()>::new(engine);
    let ty = FuncType::new(engine, [ValType::I32], [ValType::I32]);
    linker.func_new("host", "inc", ty, |_caller, args, results| {
        results[0] = Val::I32(args[0].unwrap_i32() + 1);
        Ok(())
    })?;
    let pre_dyn = linker.instantiate_pre(&module)?;
    // Typed flavour, the Rust embedder's fast path: func_wrap and TypedFunc.
    let mut linker = Linker::<()>::new(engine);
    linker.func_wrap("host", "inc", |x: i32| x + 1)?;
    let pre_typed = linker.instantiate_pre(&module)?;

    let mut store = Store::new(engine, ());
    let inst = pre_dyn.instantiate(&mut store)?;
    let nop: Func = inst.get_func(&mut store, "nop").unwrap();
    let mix: Func = inst.get_func(&mut store, "mix").unwrap();
    let lp: Func = inst.get_func(&mut store, "loop").unwrap();
    if args.selects("calls", "nop") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    nop.call(&mut store, &[], &mut []).unwrap();
                }
            },
            10000,
            target,
        );
        emit("calls", "nop", "", "Func::call", 1, ns, "ns/call", it);
    }
    let mut out = [Val::I32(0)];
    if args.selects("calls", "i32_i64_to_f32") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    mix.call(&mut store, &[Val::I32(7), Val::I64(9)], &mut out).unwrap();
                    assert_eq!(out[0].unwrap_f32(), 16.0);
                }
            },
            10000,
            target,
        );
        emit("calls", "i32_i64_to_f32", "", "Func::call", 1, ns, "ns/call", it);
    }
    if args.selects("calls", "wasm_to_host") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    lp.call(&mut store, &[Val::I32(n)], &mut out).unwrap();
                    assert_eq!(out[0].unwrap_i32(), n);
                }
            },
            10,
            target,
        );
        emit("calls", "wasm_to_host", "", "Linker::func_new", 1, ns / n as f64, "ns/call", it * n as u64);
    }

    let mut store = Store::new(engine, ());
    let inst = pre_typed.instantiate(&mut store)?;
    let nop = inst.get_typed_func::<(), ()>(&mut store, "nop")?;
    let mix = inst.get_typed_func::<(i32, i64), f32>(&mut store, "mix")?;
    let lp = inst.get_typed_func::<i32, i32>(&mut store, "loop")?;
    if args.selects("calls", "nop_typed") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    nop.call(&mut store, ()).unwrap();
                }
            },
            10000,
            target,
        );
        emit("calls", "nop", "", "TypedFunc::call", 1, ns, "ns/call", it);
    }
    if args.selects("calls", "i32_i64_to_f32_typed") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    assert_eq!(mix.call(&mut store, (7, 9)).unwrap(), 16.0);
                }
            },
            10000,
            target,
        );
        emit("calls", "i32_i64_to_f32", "", "TypedFunc::call", 1, ns, "ns/call", it);
    }
    if args.selects("calls", "wasm_to_host_typed") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    assert_eq!(lp.call(&mut store, n).unwrap(), n);
                }
            },
            10,
            target,
        );
        emit("calls", "wasm_to_host", "", "Linker::func_wrap", 1, ns / n as f64, "ns/call", it * n as u64);
    }
    Ok(())
}

fn round(args: &Args) -> Result<()> {
    let dir = args.str("modules");
    let large = args.0.get("large").cloned().unwrap_or_else(|| "none".into()); // "none": skip it
    let conc = Duration::from_millis(args.u64("conc_ms", 500));
    let n = args.u64("loop", 1000) as i32;
    each_strategy(args, |timing, pooling, strategy, engine| {
        let (target, warmup) = (timing.target, timing.warmup);
        let mut pres = Vec::new();
        for case in CASES {
            let pre = if case == "large" && large == "none" {
                None
            } else if case == "large" {
                // SAFETY: the file was written by this program's `compile` command.
                let module = unsafe { Module::deserialize_file(engine, &large)? };
                Some(pre(engine, &module, true)?)
            } else {
                Some(pre(engine, &load_wat(engine, &dir, case)?, false)?)
            };
            pres.push(pre);
        }
        if args.selects("only", "instantiate") {
            for (case, pre) in CASES.iter().zip(&pres) {
                let Some(pre) = pre.as_ref().filter(|_| args.selects("cases", case)) else {
                    continue;
                };
                let (ns, it) = measure(
                    |k| {
                        for _ in 0..k {
                            instantiate_once(engine, pre)
                        }
                    },
                    warmup,
                    target,
                );
                emit("instantiate", case, strategy, "", 1, ns, "ns/op", it);
            }
        }
        if args.selects("only", "concurrency") {
            for k in [1, 3] {
                let Some(pre) = pres[k].as_ref().filter(|_| args.selects("cases", CASES[k])) else {
                    continue;
                };
                for _ in 0..warmup {
                    instantiate_once(engine, pre);
                }
                for threads in 1..=2 {
                    let (rate, ops, share) = concurrent(engine, pre, threads, conc);
                    let extra = format!(",\"cpu_share\":{share:.3}");
                    let label = args.0.get("label").map_or("defaults", |s| s.as_str());
                    emit_extra("concurrency", CASES[k], strategy, label, threads, rate, "ops/s", ops, &extra);
                }
            }
        }
        if pooling && args.selects("only", "metrics") {
            // The same reads as wasmpool_engine_metrics, on a metrics handle kept across calls.
            let mut store = Store::new(engine, ());
            let _live = pres[2].as_ref().unwrap().instantiate(&mut store)?;
            let m = engine.pooling_allocator_metrics().unwrap();
            let (ns, it) = measure(
                |k| {
                    for _ in 0..k {
                        black_box((
                            m.core_instances(),
                            m.component_instances(),
                            m.memories(),
                            m.tables(),
                            m.stacks(),
                            m.gc_heaps(),
                            m.unused_warm_memories(),
                            m.unused_memory_bytes_resident(),
                            m.unused_warm_tables(),
                            m.unused_table_bytes_resident(),
                            m.unused_warm_stacks(),
                            m.unused_stack_bytes_resident(),
                        ));
                    }
                },
                1000,
                target,
            );
            emit("metrics", "snapshot", strategy, "PoolingAllocatorMetrics", 1, ns, "ns/op", it);
        }
        if pooling && args.selects("only", "calls") {
            calls(engine, &dir, target, n, args)?;
        }
        Ok(())
    })
}

fn compile(args: &Args) -> Result<()> {
    let wasm = std::fs::read(args.str("wasm"))?;
    let out = args.str("out");
    let total = args.u64("pool_total", 1000) as u32;
    let engine = engine(true, total)?;
    let mut module: Option<Module> = None;
    for _ in 0..args.u64("trials", 3) {
        drop(module.take());
        let t0 = Instant::now();
        module = Some(Module::new(&engine, &wasm)?);
        emit("compile", "large", "pooling", "compile", 1, t0.elapsed().as_secs_f64() * 1e3, "ms", 1);
    }
    let bytes = module.take().map(|m| m.serialize()).transpose()?.unwrap_or_default();
    std::fs::write(&out, &bytes)?;
    let dtrials = args.u64("dtrials", 10);
    for _ in 0..dtrials {
        let t0 = Instant::now();
        // SAFETY: produced just above by the same engine configuration.
        let m = unsafe { Module::deserialize(&engine, &bytes)? };
        emit("compile", "large", "pooling", "deserialize", 1, t0.elapsed().as_secs_f64() * 1e3, "ms", 1);
        drop(m);
    }
    for _ in 0..dtrials {
        let t0 = Instant::now();
        // SAFETY: as above.
        let m = unsafe { Module::deserialize_file(&engine, &out)? };
        emit("compile", "large", "pooling", "deserialize_file", 1, t0.elapsed().as_secs_f64() * 1e3, "ms", 1);
        drop(m);
    }
    // The artifact must load in the on-demand engine too (`round` uses it for both).
    let ondemand = self::engine(false, total)?;
    // SAFETY: as above.
    drop(unsafe { Module::deserialize_file(&ondemand, &out)? });
    Ok(())
}

fn main() {
    let (cmd, args) = Args::parse();
    let _ = KEEP.set(Args(args.0.clone()));
    REPS.store(args.u64("reps", 5).clamp(1, 64), Ordering::Relaxed);
    let result = match cmd.as_str() {
        "round" => round(&args),
        "compile" => compile(&args),
        "components" => component::components(&args),
        "component_compile" => component::compile(&args),
        "wasi" => wasi::wasi(&args),
        "http" => http::http(&args),
        _ => fail("usage: bench_native round|compile|components|component_compile|wasi|http key=value..."),
    };
    if let Err(e) = result {
        fail(&format!("{e:?}"));
    }
}
