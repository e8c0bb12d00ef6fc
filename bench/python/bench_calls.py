"""Call overhead from Python: a wasm function called through the wasmpool package and through
wasmtime-py (PyPI `wasmtime`), in the same process, rounds interleaved.

Prints one line per scenario: median ns per call for each, and the ratio wasmpool / wasmtime-py
(target <= 1.0). Usage: python bench_calls.py [--rounds R] [--calls N] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import statistics
import sys
import time
from typing import Callable

import wasmtime

import wasmpool

WAT = """(module
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"""


def wasmpool_calls() -> dict[str, Callable[[], object]]:
    engine = wasmpool.Engine(wasmpool.Config(total_core_instances=4, total_memories=4, total_tables=4))
    store = wasmpool.Store(engine)
    inst = store.instantiate(wasmpool.Module(engine, WAT))
    nop, add = inst["nop"], inst["add"]
    keep = (engine, store)
    return {"nop": lambda: (nop(), keep), "add(i32, i32)": lambda: add(1, 2)}


def wasmtime_calls() -> dict[str, Callable[[], object]]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    inst = wasmtime.Instance(store, wasmtime.Module(engine, WAT), [])
    exports = inst.exports(store)
    nop, add = exports["nop"], exports["add"]
    return {"nop": lambda: nop(store), "add(i32, i32)": lambda: add(store, 1, 2)}


def ns_per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        fn()
    return (time.perf_counter_ns() - start) / calls


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--json")
    args = ap.parse_args()
    sides = {"wasmpool": wasmpool_calls(), "wasmtime-py": wasmtime_calls()}
    assert sides["wasmpool"]["add(i32, i32)"]() == 3 and sides["wasmtime-py"]["add(i32, i32)"]() == 3
    results = {}
    for scenario in sides["wasmpool"]:
        samples: dict[str, list[float]] = {side: [] for side in sides}
        for side in sides:  # warm up
            ns_per_call(sides[side][scenario], args.calls // 10)
        for r in range(args.rounds):
            order = list(sides) if r % 2 == 0 else list(reversed(sides))
            for side in order:
                samples[side].append(ns_per_call(sides[side][scenario], args.calls))
        med = {side: statistics.median(v) for side, v in samples.items()}
        ratio = med["wasmpool"] / med["wasmtime-py"]
        results[scenario] = {"median_ns": med, "ratio": ratio, "samples_ns": samples}
        print(f"{scenario:15s} wasmpool {med['wasmpool']:8.0f} ns   wasmtime-py {med['wasmtime-py']:8.0f} ns"
              f"   ratio {ratio:.2f}x   (medians of {args.rounds} rounds x {args.calls} calls)")
    meta = {"python": sys.version.split()[0], "wasmtime-py": importlib.metadata.version("wasmtime")}
    print(f"python {meta['python']}, wasmtime-py {meta['wasmtime-py']}, wasmpool {wasmpool.__version__}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
