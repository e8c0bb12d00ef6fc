//! WASI on the Rust-native path: the `wasi` command of bench_native, the same measurement and
//! JSON lines as bench/c/bench_wasmpool_wasi.c.
//!
//! ```text
//! bench_native wasi p1=WASM p2=WASM [pool_total=1000 target_ms=200 warmup=200 cap=65536]
//! ```
//!
//! Options: cases=p1,p2  strategies=pooling,ondemand  iters=N (fixed batches, for profiling).
//! `p1` is the test guests' `hello` as a wasm32-wasip1 module, `p2` the same program as a
//! preview-2 command component (tests/guests: `wasip1/hello.wasm`, `wasip2/hello.wasm`).
//!
//! One request, written the way a Rust embedder writes it: a WASI context built for the store
//! (preview 1: `WasiP1Ctx`; preview 2: `WasiCtx` with a `ResourceTable`) with the request's
//! arguments and stdout captured in a `MemoryOutputPipe` of `cap` bytes, a new store holding it,
//! an instance from the pre-instantiated program, its run (`_start`; `wasi:cli/run` through
//! `CommandPre`), the captured stdout read and checked, the store dropped.

use wasmtime::component::{Component, Linker as ComponentLinker, ResourceTable};
use wasmtime::{Engine, InstancePre, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::CommandPre;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::{Args, Result, each_strategy, emit, fail};

/// What `hello` prints (tests/guests/c/hello.c); a request whose stdout differs is fatal.
pub const EXPECTED: &[u8] = b"hello from a wasm32-wasip1 guest\n";
/// The guest's arguments, the same on every path: program name and one argument.
const ARGS: [&str; 2] = ["hello", "request"];

/// The preview-2 store data: the context and the table its resources live in.
struct P2 {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for P2 {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

/// A context builder with the request's arguments and a capped stdout pipe.
fn builder(cap: usize) -> (WasiCtxBuilder, MemoryOutputPipe) {
    let stdout = MemoryOutputPipe::new(cap);
    let mut b = WasiCtxBuilder::new();
    b.args(&ARGS).stdout(stdout.clone());
    (b, stdout)
}

fn check_output(case: &str, code: i32, stdout: &MemoryOutputPipe) {
    if code != 0 {
        fail(&format!("{case}: hello exited with {code}"));
    }
    let got = stdout.contents();
    if got != EXPECTED {
        fail(&format!("{case}: hello printed {got:?}"));
    }
}

fn p1_pre(engine: &Engine, file: &str) -> Result<InstancePre<WasiP1Ctx>> {
    let module = Module::from_file(engine, file)?;
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx: &mut WasiP1Ctx| ctx)?;
    linker.instantiate_pre(&module)
}

fn p1_request(engine: &Engine, pre: &InstancePre<WasiP1Ctx>, cap: usize) {
    let (mut b, stdout) = builder(cap);
    let mut store = Store::new(engine, b.build_p1());
    let instance = pre.instantiate(&mut store).unwrap_or_else(|e| fail(&format!("p1: instantiate: {e:?}")));
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap_or_else(|e| fail(&format!("p1: _start: {e:?}")));
    let code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => e.downcast_ref::<I32Exit>().map(|x| x.0).unwrap_or_else(|| fail(&format!("p1: run: {e:?}"))),
    };
    check_output("p1", code, &stdout);
    drop(store);
}

fn p2_pre(engine: &Engine, file: &str) -> Result<CommandPre<P2>> {
    let component = Component::from_file(engine, file)?;
    let mut linker = ComponentLinker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    CommandPre::new(linker.instantiate_pre(&component)?)
}

fn p2_request(engine: &Engine, pre: &CommandPre<P2>, cap: usize) {
    let (mut b, stdout) = builder(cap);
    let mut store = Store::new(engine, P2 { ctx: b.build(), table: ResourceTable::new() });
    let command = pre.instantiate(&mut store).unwrap_or_else(|e| fail(&format!("p2: instantiate: {e:?}")));
    let code = match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => 0,
        Ok(Err(())) => 1,
        Err(e) => e.downcast_ref::<I32Exit>().map(|x| x.0).unwrap_or_else(|| fail(&format!("p2: run: {e:?}"))),
    };
    check_output("p2", code, &stdout);
    drop(store);
}

/// One request after another, for each program and allocation strategy asked for.
pub fn wasi(args: &Args) -> Result<()> {
    let cap = args.u64("cap", 65536) as usize;
    each_strategy(args, |timing, _, strategy, engine| {
        if args.selects("cases", "p1") {
            let pre = p1_pre(engine, &args.str("p1"))?;
            let (ns, it) = timing.measure(|k| (0..k).for_each(|_| p1_request(engine, &pre, cap)));
            emit("wasi_request", "p1", strategy, "", 1, ns, "ns/request", it);
        }
        if args.selects("cases", "p2") {
            let pre = p2_pre(engine, &args.str("p2"))?;
            let (ns, it) = timing.measure(|k| (0..k).for_each(|_| p2_request(engine, &pre, cap)));
            emit("wasi_request", "p2", strategy, "", 1, ns, "ns/request", it);
        }
        Ok(())
    })
}
