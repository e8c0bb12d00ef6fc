"""Memories, tables and globals as objects: made by the host, exported, defined in a linker;
the --import-memory --import-table C guest on host-made ones; wrong types and other stores."""

from __future__ import annotations

import pytest

import wasmpool
from conftest import guest

EXPORTER = """(module
  (memory (export "mem") 1 2)
  (table (export "tab") 2 funcref)
  (global (export "g") (mut i32) (i32.const 5))
  (func $nine (result i32) (i32.const 9))
  (elem (i32.const 1) $nine)
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"""

IMPORTER = """(module
  (import "host" "memory" (memory 1))
  (import "host" "counter" (global $c (mut i32)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "bump") (result i32)
    (global.set $c (i32.add (global.get $c) (i32.const 1))) (global.get $c)))"""


def test_host_externs(engine: wasmpool.Engine) -> None:
    with wasmpool.Store(engine) as store:
        memory = wasmpool.Memory(store, 1, 3)
        assert memory.pages == 1 and len(memory) == 65536
        memory.write(10, b"abc")
        assert memory.grow(1) == 1
        assert memory.read(10, 3) == b"abc" and memory.type == wasmpool.MemoryType(2, 3)
        with pytest.raises(wasmpool.LimitExceeded, match="maximum is 3 pages"):
            memory.grow(2)
        table = wasmpool.Table(store, 2, 4)
        assert len(table) == 2 and table.get(0) is None
        assert table.grow(2) == 2 and table.type.maximum == 4
        g = wasmpool.Global(store, "i64", 7, mutable=True)
        g.value = 8
        assert g.value == 8 and g.kind == wasmpool.ValKind.I64 and g.mutable
        const = wasmpool.Global(store, "i32", 1)
        with pytest.raises(wasmpool.InvalidArgument, match="immutable"):
            const.value = 2


def test_exports_and_linking(engine: wasmpool.Engine) -> None:
    with wasmpool.Store(engine) as store:
        inst = store.instantiate(wasmpool.Module(engine, EXPORTER))
        mem = inst.memory_export("mem")
        mem.write(3, b"\x4d")
        assert inst.call("peek", 3) == 0x4D
        nine = inst.table_export("tab").get(1)
        assert nine is not None and nine() == 9
        assert inst.global_export("g").value == 5

        linker = wasmpool.Linker(engine)
        hmem = wasmpool.Memory(store, 1)
        counter = wasmpool.Global(store, "i32", 40, mutable=True)
        linker.define_memory(store, "host", "memory", hmem)
        linker.define_global(store, "host", "counter", counter)
        user = linker.instantiate(store, wasmpool.Module(engine, IMPORTER))
        user.call("store", 7, 99)
        assert hmem.read(7, 1) == b"\x63"
        assert user.call("bump") == 41 and counter.value == 41

        linker.define_instance(store, "exp", inst)
        wrong = wasmpool.Module(engine, '(module (import "exp" "mem" (table 1 funcref)))')
        with pytest.raises(wasmpool.LinkError, match="expected table, but found memory"):
            linker.instantiate(store, wrong)
        with wasmpool.Store(engine) as other:
            with pytest.raises(wasmpool.InvalidArgument, match="another store"):
                linker.define_memory(other, "x", "m", hmem)


def test_import_memory_guest(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module.from_file(engine, guest("import_memory.wasm"))
    with wasmpool.Store(engine) as store:
        memory, table = wasmpool.Memory(store, 2), wasmpool.Table(store, 3)
        linker = wasmpool.Linker(engine)
        linker.define_memory(store, "env", "memory", memory)
        linker.define_table(store, "env", "__indirect_function_table", table)
        inst = linker.instantiate(store, module)
        at = inst.call("greet", 7)
        assert memory.read(at, 28) == b"hello from the guest, call 7"
        mul = table.get(inst.call("op_index", 1))
        assert mul is not None and mul(6, 7) == 42
