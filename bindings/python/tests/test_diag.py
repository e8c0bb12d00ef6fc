"""Diagnostics from Python: a trap's backtrace on the exception, the compilation cache across
processes, profiling knobs, and the epoch deadline callback (time slicing)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import wasmpool
from wasmpool import core

TRAPS = """(module $traps
  (func $inner unreachable)
  (func $outer (export "outer") call $inner)
  (func $spin (export "spin") (loop br 0)))"""


def small(**knobs: object) -> wasmpool.Config:
    return wasmpool.Config(total_core_instances=4, total_memories=4, total_tables=4, total_stacks=4,
                           memory_reservation=16 << 20, max_memory_size=16 << 20, **knobs)


def test_trap_carries_its_backtrace(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module(engine, TRAPS)
    with wasmpool.Store(engine) as store:
        inst = store.instantiate(module)
        with pytest.raises(wasmpool.Trap) as t:
            inst["outer"]()
    trace = t.value.trace
    assert [f.func_name for f in trace] == ["inner", "outer"]
    assert [f.func_index for f in trace] == [0, 1]
    assert all(f.module_name == "traps" for f in trace)
    assert trace[0].module_offset is not None and trace[0].func_offset is not None
    assert trace[0].file is None and trace[0].line == 0
    with pytest.raises(wasmpool.CompileError) as c:
        wasmpool.Module(engine, "(module (func (result i32)))")
    assert c.value.trace == []


def test_backtrace_knobs() -> None:
    cfg = small(wasm_backtrace=False)
    assert cfg.wasm_backtrace is False and cfg.wasm_backtrace_max_frames == 20
    with wasmpool.Engine(cfg) as engine, wasmpool.Store(engine) as store:
        inst = store.instantiate(wasmpool.Module(engine, TRAPS))
        with pytest.raises(wasmpool.Trap) as t:
            inst["outer"]()
        assert t.value.trace == []
    cfg = small(wasm_backtrace_max_frames=1, debug_info=True, profiling=wasmpool.Profiling.NONE)
    with wasmpool.Engine(cfg) as engine, wasmpool.Store(engine) as store:
        inst = store.instantiate(wasmpool.Module(engine, TRAPS))
        with pytest.raises(wasmpool.Trap) as t:
            inst["outer"]()
        assert [f.func_name for f in t.value.trace] == ["inner"]


CHILD = textwrap.dedent("""
    import sys, time, wasmpool
    cfg = wasmpool.Config(total_core_instances=2, total_memories=2, total_tables=2, total_stacks=2,
                          memory_reservation=16 << 20, max_memory_size=16 << 20)
    cfg.cache_dir = sys.argv[1]
    engine = wasmpool.Engine(cfg)
    body = "".join(f"(func $f{i} (param i32) (result i32) local.get 0 i32.const {i} i32.mul)" for i in range(300))
    t0 = time.perf_counter()
    wasmpool.Module(engine, f"(module {body})")
    took = time.perf_counter() - t0
    s = engine.cache_stats()
    print(s.hits, s.misses, took)
""")


def test_cache_across_processes(tmp_path) -> None:
    cache = tmp_path / "cache"
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", CHILD, str(cache)], check=True, capture_output=True, text=True)
        hits, misses, took = out.stdout.split()
        runs.append((int(hits), int(misses), float(took)))
    assert runs[0][:2] == (0, 1) and runs[1][:2] == (1, 0)
    assert any(p.is_file() for p in cache.rglob("*"))
    cfg = small()
    assert cfg.cache_dir is None
    cfg.cache_dir = str(tmp_path / "other")
    assert cfg.cache_dir == str(tmp_path / "other")
    cfg.cache_dir = None
    assert cfg.cache_dir is None
    with wasmpool.Engine(cfg) as engine, pytest.raises(wasmpool.InvalidArgument):
        engine.cache_stats()
    (tmp_path / "file").write_text("x")
    cfg.cache_dir = str(tmp_path / "file" / "below")
    with pytest.raises(wasmpool.IoError) as e:
        wasmpool.Engine(cfg)
    assert str(tmp_path / "file" / "below") in str(e.value)


def test_epoch_deadline_callback_slices_time() -> None:
    cfg = small(epoch_interruption=True, epoch_tick_interval_ms=1)
    engine = wasmpool.Engine(cfg)
    module = wasmpool.Module(engine, TRAPS)
    seen: list[object] = []
    live = core.live_host_functions()

    def slicer(data: object) -> int | None:
        seen.append(data)
        return 2 if len(seen) <= 3 else None

    store = wasmpool.Store(engine, data="request-7")
    inst = store.instantiate(module)
    store.set_epoch_deadline_callback(slicer)
    store.set_epoch_deadline(2)
    with pytest.raises(wasmpool.Interrupted):
        inst["spin"]()
    assert seen == ["request-7"] * 4  # three extensions, then the interruption

    def refuse(data: object) -> int:
        raise RuntimeError("slice budget exhausted")

    store.set_epoch_deadline_callback(refuse)
    store.set_epoch_deadline(1)
    with pytest.raises(wasmpool.Trap) as t:
        inst["spin"]()
    assert "slice budget exhausted" in str(t.value) and t.value.code == wasmpool.TrapCode.HOST
    store.set_epoch_deadline_callback(None)
    store.set_epoch_deadline(1)
    with pytest.raises(wasmpool.Interrupted):
        inst["spin"]()
    store.close()
    assert core.live_host_functions() == live  # every callback and the store data were finalized
    plain = wasmpool.Engine(small())
    with wasmpool.Store(plain) as s, pytest.raises(wasmpool.InvalidArgument):
        s.set_epoch_deadline_callback(slicer)


EXN = """(module $exn
  (tag $e (export "e") (param i32 f64))
  (tag $r (export "r") (param funcref))
  (func $throw (export "throw") (param i32 f64) local.get 0 local.get 1 throw $e)
  (func (export "throw_ref") ref.null func throw $r)
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32 f64)
      (try_table (catch $e $h) local.get 0 f64.const 0.5 call $throw)
      i32.const -1 return)
    drop))"""


def test_uncaught_exception_carries_its_payload(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module(engine, EXN)
    with wasmpool.Store(engine) as store:
        inst = store.instantiate(module)
        with pytest.raises(wasmpool.ExceptionError) as e:
            inst["throw"](7, 2.5)
        assert inst["catch"](41) == 41  # caught inside the guest: no error
        with pytest.raises(wasmpool.ExceptionError) as r:
            inst["throw_ref"]()
    assert e.value.kind == wasmpool.ErrorKind.EXCEPTION
    assert e.value.payload == [7, 2.5]
    assert [f.func_name for f in e.value.trace] == ["throw"]
    assert r.value.payload == [None]
    with pytest.raises(wasmpool.Trap) as t:
        with wasmpool.Store(engine) as store:
            store.instantiate(wasmpool.Module(engine, TRAPS))["outer"]()
    assert t.value.payload == []
