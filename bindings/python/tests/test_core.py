"""Core modules through the binding: calls, pool exhaustion, host functions, traps, metrics."""

from __future__ import annotations

import gc

import pytest

import wasmpool
from wasmpool import core

ADD = """(module
  (memory (export "memory") 1)
  (global (export "g") (mut i32) (i32.const 7))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "nop"))
  (func (export "boom") unreachable)
  (func (export "spin") (loop br 0)))"""

HOST = """(module
  (import "env" "double" (func $double (param i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (func (export "f") (param i32) (result i32) local.get 0 call $double)
  (func (export "say") i32.const 16 i32.const 15 call $log))"""


def test_calls_values_memory_globals(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module(engine, ADD)
    assert {e.name for e in module.exports} >= {"add", "memory", "g"}
    with wasmpool.Store(engine) as store:
        inst = store.instantiate(module)
        add = inst.func("add")
        assert add(40, 2) == 42
        assert add(-1, 0) == -1
        assert inst.call("add", 2**31 - 1, 1) == -(2**31)  # i32 wraps as in wasm
        assert inst["swap"](5, 2.5) == (2.5, 5)
        assert inst["nop"]() is None
        with pytest.raises(TypeError):
            add(1)
        assert inst.global_get("g") == 7
        inst.global_set("g", 9)
        assert inst.global_get("g") == 9
        inst.memory_write(100, b"abc")
        assert inst.memory_read(100, 3) == b"abc" and inst.memory_size() == 65536
        with pytest.raises(wasmpool.Trap) as t:
            inst["boom"]()
        assert t.value.code == wasmpool.TrapCode.UNREACHABLE
        with pytest.raises(wasmpool.LinkError):
            inst.func("missing")
    with pytest.raises(wasmpool.InvalidArgument):
        add(1, 2)  # the store is closed


def test_compile_error_and_serialize(engine: wasmpool.Engine, tmp_path) -> None:
    with pytest.raises(wasmpool.CompileError):
        wasmpool.Module(engine, "(module (func (result i32)))")
    data = wasmpool.Module(engine, ADD).serialize()
    path = tmp_path / "add.cwasm"
    path.write_bytes(data)
    for m in (wasmpool.Module.deserialize(engine, data), wasmpool.Module.deserialize_file(engine, path)):
        with wasmpool.Store(engine) as s:
            assert s.instantiate(m).call("add", 1, 2) == 3
    (tmp_path / "add.wat").write_text(ADD)
    assert wasmpool.Module.from_file(engine, tmp_path / "add.wat").exports[0].name == "memory"


def test_pool_exhaustion_and_metrics() -> None:
    cfg = wasmpool.Config(total_core_instances=2, total_memories=2, total_tables=2, total_stacks=2,
                          memory_reservation=16 << 20, max_memory_size=16 << 20)
    with wasmpool.Engine(cfg) as engine:
        assert engine.strategy is wasmpool.Strategy.POOLING
        module = wasmpool.Module(engine, ADD)
        m0 = engine.metrics()
        assert m0.pooling and m0.core_instances == 0 and m0.total_core_instances == 2
        a, b, c = wasmpool.Store(engine), wasmpool.Store(engine), wasmpool.Store(engine)
        a.instantiate(module)
        assert engine.metrics().core_instances == 1 and engine.metrics().memories == 1
        b.instantiate(module)
        assert engine.metrics().core_instances == 2
        with pytest.raises(wasmpool.PoolExhausted) as e:
            c.instantiate(module)
        assert e.value.kind == wasmpool.ErrorKind.POOL_EXHAUSTED and str(e.value)
        a.close()
        m = engine.metrics()
        assert m.core_instances == 1 and m.unused_warm_memories >= 1
        c.instantiate(module)  # a slot is free again
        b.close()
        c.close()
        assert engine.metrics().core_instances == 0


def test_host_function_called_and_trap() -> None:
    calls: list[int] = []
    said: list[bytes] = []

    def double(x: int) -> int:
        calls.append(x)
        if x < 0:
            raise ValueError(f"negative input {x}")
        return 2 * x

    def log(caller: wasmpool.Caller, ptr: int, n: int) -> None:
        said.append(caller.read(ptr, n))

    cfg = wasmpool.Config(total_core_instances=4, total_memories=4, total_tables=4, total_stacks=4,
                          memory_reservation=16 << 20, max_memory_size=16 << 20)
    engine = wasmpool.Engine(cfg)
    linker = wasmpool.Linker(engine)
    linker.define_func("env", "double", ["i32"], ["i32"], double)
    linker.define_func("env", "log", [wasmpool.ValKind.I32, "i32"], [], log, caller=True)
    with pytest.raises(wasmpool.LinkError):
        linker.define_func("env", "double", ["i32"], ["i32"], double)
    module = wasmpool.Module(engine, HOST)
    pre = linker.instantiate_pre(module)
    live = core.live_host_functions()
    store = wasmpool.Store(engine)
    inst = pre.instantiate(store)
    assert inst["f"](21) == 42 and calls == [21]
    inst["say"]()
    assert said == [b"hello from wasm"]
    with pytest.raises(wasmpool.Trap) as t:
        inst["f"](-3)
    assert t.value.code == wasmpool.TrapCode.HOST
    assert "ValueError: negative input -3" in str(t.value)
    assert calls == [21, -3]
    # The callables stay alive while a linker, pre or store uses them; then the finalizer frees them.
    del double, log
    gc.collect()
    assert inst["f"](1) == 2
    linker.close()
    pre.close()
    store.close()
    assert core.live_host_functions() == live - 2


def test_host_trap_code_and_unknown_imports(engine: wasmpool.Engine) -> None:
    def fail(x: int) -> int:
        raise wasmpool.Trap("out of bounds on purpose", code=wasmpool.TrapCode.MEMORY_OUT_OF_BOUNDS)

    linker = wasmpool.Linker(engine)
    linker.define_func("env", "double", ["i32"], ["i32"], fail)
    module = wasmpool.Module(engine, HOST)
    linker.define_unknown_imports_as_traps(module)
    with wasmpool.Store(engine) as store:
        inst = linker.instantiate_pre(module).instantiate(store)
        with pytest.raises(wasmpool.Trap) as t:
            inst["f"](1)
        assert t.value.code == wasmpool.TrapCode.MEMORY_OUT_OF_BOUNDS
        with pytest.raises(wasmpool.Trap):
            inst["say"]()


def test_fuel_deadline_and_limits() -> None:
    cfg = wasmpool.Config(consume_fuel=True, epoch_interruption=True, total_core_instances=4,
                          total_memories=4, total_tables=4, memory_reservation=16 << 20, max_memory_size=16 << 20)
    engine = wasmpool.Engine(cfg)
    module = wasmpool.Module(engine, ADD)
    with wasmpool.Store(engine) as store:
        store.fuel = 10_000
        store.set_epoch_deadline(1_000_000)
        inst = store.instantiate(module)
        assert inst["add"](1, 2) == 3 and store.fuel < 10_000
        with pytest.raises(wasmpool.OutOfFuel):
            inst["spin"]()
    with wasmpool.Store(engine) as store:
        store.fuel = 1 << 40
        store.set_epoch_deadline(1)
        inst = store.instantiate(module)
        engine.increment_epoch()
        with pytest.raises(wasmpool.Interrupted):
            inst["spin"]()
    with wasmpool.Store(engine) as store:
        store.limits = wasmpool.StoreLimits(memory_size=1024)
        assert store.limits.memory_size == 1024 and store.limits.instances is None
        with pytest.raises(wasmpool.LimitExceeded):
            store.instantiate(module)  # one page is more than 1024 bytes
        assert store.memory_consumed == 0


def test_threads_share_an_instance_pre() -> None:
    import threading

    cfg = wasmpool.Config(total_core_instances=8, total_memories=8, total_tables=8, total_stacks=8,
                          memory_reservation=16 << 20, max_memory_size=16 << 20)
    engine = wasmpool.Engine(cfg)
    seen: set[int] = set()
    linker = wasmpool.Linker(engine)
    linker.define_func("env", "double", ["i32"], ["i32"], lambda x: seen.add(threading.get_ident()) or 2 * x)
    linker.define_func("env", "log", ["i32", "i32"], [], lambda p, n: None)
    pre = linker.instantiate_pre(wasmpool.Module(engine, HOST))
    errors: list[BaseException] = []
    together = threading.Barrier(4)  # all alive at once, so their idents differ

    def worker(n: int) -> None:
        try:
            together.wait(timeout=60)
            for i in range(50):
                with wasmpool.Store(engine) as store:
                    assert pre.instantiate(store)["f"](i + n) == 2 * (i + n)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(seen) == 4
    assert engine.metrics().core_instances == 0


def test_store_data_reaches_host_functions(engine: wasmpool.Engine) -> None:
    wat = """(module (import "env" "h" (func $h (result i32)))
               (global (export "g") i32 (i32.const 41))
               (func (export "f") (result i32) call $h))"""
    module = wasmpool.Module(engine, wat)
    linker = wasmpool.Linker(engine)
    seen = []

    def h(caller: wasmpool.Caller) -> int:
        seen.append(caller.data)
        return caller.global_get("g") + len(caller.data["items"])

    linker.define_func("env", "h", [], ["i32"], h, caller=True)
    pre = linker.instantiate_pre(module)
    state = {"items": [1, 2, 3]}
    with wasmpool.Store(engine, data=state) as store:
        assert store.data is state
        assert pre.instantiate(store).call("f") == 44
    assert seen == [state]
    with wasmpool.Store(engine) as store:
        assert store.data is None


def test_validate_and_nul_names(engine: wasmpool.Engine) -> None:
    wasmpool.Module.validate(engine, "(module)")
    with pytest.raises(wasmpool.CompileError):
        wasmpool.Module.validate(engine, b"\0asm\2\0\0\0")
    module = wasmpool.Module(engine, '(module (func (export "a\\00b") (result i32) i32.const 7))')
    with wasmpool.Store(engine) as store:
        inst = store.instantiate(module)
        assert inst.call("a\0b") == 7
        with pytest.raises(wasmpool.LinkError):
            inst.call("a")
