//! Components on the Rust-native path: the `component` commands of bench_native, the same
//! measurements and JSON lines as bench/c/bench_wasmpool_component.c.
//!
//! ```text
//! bench_native component_compile wasm=FILE out=CWASM [trials=1]
//! bench_native components modules=DIR [js=CWASM py=CWASM pool_total=1000 target_ms=200
//!                         warmup=200 arg=wasmpool]
//! ```
//!
//! `components` options: only=instantiate,calls  cases=wat,js,py  strategies=pooling,ondemand
//! calls=<variant names: Func::call,TypedFunc::call>  iters=N (fixed batches, for profiling)
//! core_total=N (total_core_instances, default pool_total).
//! A case whose file is `none` (or not given) is left out. The small component is the text
//! `component.wat` of the modules directory (bench/harness/modules.py); js and py are the
//! componentize-js and componentize-py `hello` components, precompiled by `component_compile`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wasmtime::Store;
use wasmtime::component::{Component, InstancePre, Linker, Val};

use crate::{Args, Result, each_strategy, emit, emit_extra, engine, fail, measure};

/// The cases: the embedded text component and the two toolchain components; the name of the
/// exported function each is called through (`func(string) -> string` in all three).
const CASES: [(&str, &str); 3] = [("wat", "echo"), ("js", "hello"), ("py", "hello")];

/// What the guest returns for `arg`: the text component echoes, the toolchains greet.
fn expected(case: &str, arg: &str) -> String {
    if case == "wat" { arg.to_string() } else { format!("Hello, {arg}!") }
}

fn load(engine: &wasmtime::Engine, dir: &str, case: &str, file: &str) -> Result<Component> {
    if case == "wat" {
        Component::from_file(engine, format!("{dir}/component.wat"))
    } else {
        // SAFETY: the file was written by this program's `component_compile` command.
        unsafe { Component::deserialize_file(engine, file) }
    }
}

/// A pre-instantiated component, every import (the toolchains' WASI) defined as a trap.
fn pre(engine: &wasmtime::Engine, component: &Component) -> Result<InstancePre<()>> {
    let mut linker = Linker::new(engine);
    linker.define_unknown_imports_as_traps(component)?;
    linker.instantiate_pre(component)
}

fn instantiate_once(engine: &wasmtime::Engine, pre: &InstancePre<()>) {
    let mut store = Store::new(engine, ());
    let instance = pre.instantiate(&mut store).unwrap_or_else(|e| fail(&format!("instantiate: {e:?}")));
    black_box(instance);
    drop(store);
}

/// Calls `func(string) -> string` of one instance: with `Val`s (`Func::call`, what a dynamic
/// host does) and typed (`TypedFunc<(String,), (String,)>`, the Rust embedder's fast path).
fn calls(engine: &wasmtime::Engine, pre: &InstancePre<()>, case: &str, export: &str, args: &Args) -> Result<()> {
    let target = Duration::from_millis(args.u64("target_ms", 200));
    let arg = args.0.get("arg").cloned().unwrap_or_else(|| "wasmpool".into());
    let want = expected(case, &arg);
    let mut store = Store::new(engine, ());
    let inst = pre.instantiate(&mut store)?;
    let func = inst.get_func(&mut store, export).unwrap_or_else(|| fail(&format!("{case}: no export {export}")));
    let mut out = [Val::Bool(false)];
    if let Err(e) = func.call(&mut store, &[Val::String(arg.clone())], &mut out) {
        refused(case, &e);
        return Ok(());
    }
    if args.selects("calls", "Func::call") {
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    func.call(&mut store, &[Val::String(arg.clone())], &mut out)
                        .unwrap_or_else(|e| fail(&format!("{case}: {export}: {e:?}")));
                    match &out[0] {
                        Val::String(s) if *s == want => {}
                        other => fail(&format!("{case}: {export} returned {other:?}")),
                    }
                }
            },
            1000,
            target,
        );
        emit("component_calls", case, "pooling", "Func::call", 1, ns, "ns/call", it);
    }
    if args.selects("calls", "TypedFunc::call") {
        let typed = inst.get_typed_func::<(String,), (String,)>(&mut store, export)?;
        let (ns, it) = measure(
            |k| {
                for _ in 0..k {
                    let (s,) = typed
                        .call(&mut store, (arg.clone(),))
                        .unwrap_or_else(|e| fail(&format!("{case}: {export}: {e:?}")));
                    if s != want {
                        fail(&format!("{case}: {export} returned {s:?}"));
                    }
                }
            },
            1000,
            target,
        );
        emit("component_calls", case, "pooling", "TypedFunc::call", 1, ns, "ns/call", it);
    }
    Ok(())
}

/// A call the guest cannot complete without WASI: the toolchains' `hello` reaches an import that
/// is defined as a trap. Prints which one (bench "component_call_refused"); any other failure is
/// fatal.
fn refused(case: &str, e: &wasmtime::Error) {
    let text = format!("{e:?}");
    let import = text
        .split_once("unknown import: `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name)
        .unwrap_or_else(|| fail(&format!("{case}: {text}")));
    let extra = format!(",\"import\":\"{import}\"");
    emit_extra("component_call_refused", case, "pooling", "", 1, 0.0, "", 0, &extra);
}

/// Instantiation through a pre (a fresh store per instance, dropped after it) under pooling and
/// on demand, and calls with a string argument and a string result (pooling).
pub fn components(args: &Args) -> Result<()> {
    let dir = args.str("modules");
    each_strategy(args, |timing, pooling, strategy, engine| {
        for (case, export) in CASES {
            let file = args.0.get(case).map_or("none", |s| s.as_str());
            if !args.selects("cases", case) || (case != "wat" && file == "none") {
                continue;
            }
            let pre = pre(engine, &load(engine, &dir, case, file)?)?;
            if args.selects("only", "instantiate") {
                let (ns, it) = timing.measure(|k| (0..k).for_each(|_| instantiate_once(engine, &pre)));
                emit("component_instantiate", case, strategy, "", 1, ns, "ns/op", it);
            }
            if pooling && args.selects("only", "calls") {
                calls(engine, &pre, case, export, args)?;
            }
        }
        Ok(())
    })
}

/// Compiles a component once and serialises it to `out` for `components`; prints the compile
/// time (ms) of each trial.
pub fn compile(args: &Args) -> Result<()> {
    let wasm = std::fs::read(args.str("wasm"))?;
    let out = args.str("out");
    let engine = engine(true, args.u64("pool_total", 1000) as u32)?;
    let mut bytes = Vec::new();
    for _ in 0..args.u64("trials", 1) {
        let t0 = Instant::now();
        let component = Component::new(&engine, &wasm)?;
        emit("component_compile", &args.str("case"), "pooling", "compile", 1, t0.elapsed().as_secs_f64() * 1e3, "ms", 1);
        bytes = component.serialize()?;
    }
    std::fs::write(&out, &bytes)?;
    // The artifact must load in the on-demand engine too (`components` uses it for both).
    let ondemand = crate::engine(false, args.u64("pool_total", 1000) as u32)?;
    // SAFETY: written just above by an engine of the same configuration.
    drop(unsafe { Component::deserialize_file(&ondemand, &out)? });
    Ok(())
}

