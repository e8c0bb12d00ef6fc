"""Components through the binding: every WIT value type to and from Python, host functions, traps."""

from __future__ import annotations

import pytest

import wasmpool
from wasmpool.component import from_wave, to_wave, wit

from conftest import guest

HOST = "wasmpool:echo/host@0.1.0"
POINT = {"x": 1, "y": -2, "label": "p"}
VALUES = {
    "bool": True,
    "s8": -128,
    "u8": 255,
    "s16": -32768,
    "u16": 65535,
    "s32": -(2**31),
    "u32": 2**32 - 1,
    "s64": -(2**63),
    "u64": 2**64 - 1,
    "f32": 1.5,
    "f64": -2.25,
    "char": "\u00e9",
    "string": "h\u00e9llo \U0001f600",
    "list-u32": [1, 2, 3],
    "list-string": ["a", "", "c"],
    "record": POINT,
    "tuple": (7, "seven", True),
    "variant": wasmpool.Variant("rect", POINT),
    "enum": "blue",
    "option": "some",
    "result": wasmpool.Err("bad"),
    "flags": frozenset({"p0", "p17", "p31"}),
    "nested": wasmpool.Ok([POINT, {"x": 0, "y": 0, "label": ""}]),
}


@pytest.fixture
def echo(engine: wasmpool.Engine):
    component = wasmpool.Component.from_file(engine, guest("echo.wasm"))
    seen: list[object] = []
    linker = wasmpool.ComponentLinker(engine)
    for item in component.imports:
        if item.name.startswith(HOST + "#"):

            def host(x: object) -> object:
                seen.append(x)
                return x

            linker.define_func(HOST, item.name.split("#", 1)[1], host, component=component)
    store = wasmpool.Store(engine)
    inst = linker.instantiate_pre(component).instantiate(store)
    yield inst, seen
    store.close()


@pytest.mark.parametrize("name", list(VALUES))
def test_echo_each_type(echo, name: str) -> None:
    inst, seen = echo
    value = VALUES[name]
    assert inst.call(f"echo-{name}", value) == value
    assert inst.func(f"call-host-{name}")(value) == value
    assert seen == [value]  # the Python host function got it as a Python value


def test_values_of_every_shape(echo) -> None:
    inst, _ = echo
    assert inst.call("echo-variant", wasmpool.Variant("empty")) == wasmpool.Variant("empty", None)
    assert inst.call("echo-variant", wasmpool.Variant("circle", 2.0)) == wasmpool.Variant("circle", 2.0)
    assert inst.call("echo-option", None) is None
    assert inst.call("echo-result", wasmpool.Ok(5)) == wasmpool.Ok(5)
    assert inst.call("echo-flags", set()) == frozenset()
    assert inst.call("echo-nested", None) is None
    assert inst.call("echo-nested", wasmpool.Err("e")) == wasmpool.Err("e")
    with pytest.raises(TypeError):
        inst.call("echo-u32", "not a number")
    with pytest.raises(TypeError):
        inst.call("echo-variant", wasmpool.Variant("hexagon"))
    with pytest.raises(TypeError):
        inst.call("echo-record", {"x": 1})
    with pytest.raises(KeyError):
        inst.call("no-such-export")


def test_types_wave_and_wit(engine: wasmpool.Engine) -> None:
    component = wasmpool.Component.from_file(engine, guest("echo.wasm"))
    ty = component.export_type("echo-record").param_types[0]
    assert "x: s32" in wit(ty) or "s32" in wit(ty)
    text = to_wave(ty, POINT)
    assert from_wave(ty, text) == POINT
    data = component.serialize()
    again = wasmpool.Component.deserialize(engine, data)
    assert len(again.exports) == len(component.exports)


def test_component_host_trap(engine: wasmpool.Engine) -> None:
    component = wasmpool.Component.from_file(engine, guest("echo.wasm"))
    linker = wasmpool.ComponentLinker(engine)

    def refuse(x: str) -> str:
        raise RuntimeError(f"refusing {x}")

    linker.define_func(HOST, "host-echo-string", refuse, component=component)
    linker.define_unknown_imports_as_traps(component)
    with wasmpool.Store(engine) as store:
        inst = linker.instantiate_pre(component).instantiate(store)
        with pytest.raises(wasmpool.Trap) as t:
            inst.call("call-host-string", "abc")
        assert "RuntimeError: refusing abc" in str(t.value)
        with pytest.raises(wasmpool.Trap):
            inst.call("call-host-u32", 1)  # defined as a trap
        assert engine.metrics().component_instances == 1
    assert engine.metrics().component_instances == 0


def test_component_wat_and_pool_exhaustion() -> None:
    wat = """(component
      (core module $m (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
      (core instance $i (instantiate $m))
      (func (export "inc") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"""
    cfg = wasmpool.Config(total_component_instances=1, total_core_instances=4, total_memories=4, total_tables=4)
    engine = wasmpool.Engine(cfg)
    component = wasmpool.Component(engine, wat)
    pre = wasmpool.ComponentLinker(engine).instantiate_pre(component)
    a, b = wasmpool.Store(engine), wasmpool.Store(engine)
    assert pre.instantiate(a)["inc"](41) == 42
    with pytest.raises(wasmpool.PoolExhausted):
        pre.instantiate(b)
    a.close()
    assert pre.instantiate(b).call("inc", 1) == 2
