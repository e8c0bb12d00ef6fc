"""Every knob of the header is a property that round-trips, and bad values raise."""

from __future__ import annotations

import enum

import pytest

import wasmpool
from wasmpool import _ffi


def test_every_header_knob_is_a_property() -> None:
    names = {n for n, _ in _ffi.KNOBS}
    assert "max_unused_warm_slots" in names and "total_memories" in names and "pagemap_scan" in names
    assert set(wasmpool.Config.KNOBS) == names
    for n in names:
        assert isinstance(getattr(wasmpool.Config, n), property)


@pytest.mark.parametrize("name", [n for n, _ in _ffi.KNOBS])
def test_knob_round_trips(name: str) -> None:
    with wasmpool.Config() as cfg:
        default = getattr(cfg, name)
        if isinstance(default, bool):
            value = not default
        elif isinstance(default, enum.IntEnum):
            value = next(m for m in type(default) if m != default)
        else:
            value = default + 1 if default < 1 << 31 else default - 1
        setattr(cfg, name, value)
        got = getattr(cfg, name)
        assert got == value and type(got) is type(default)
        setattr(cfg, name, default)
        assert getattr(cfg, name) == default


def test_knob_keywords_and_refusals() -> None:
    cfg = wasmpool.Config(total_memories=3, strategy=wasmpool.Strategy.ON_DEMAND)
    assert cfg.total_memories == 3 and cfg.strategy is wasmpool.Strategy.ON_DEMAND
    with pytest.raises(wasmpool.InvalidArgument) as e:
        cfg.max_wasm_stack = 0
    assert e.value.kind == wasmpool.ErrorKind.INVALID_ARGUMENT and "max_wasm_stack" in str(e.value)
    with pytest.raises(wasmpool.InvalidArgument):
        cfg.total_memories = -1  # ctypes would wrap it to UINT32_MAX
    with pytest.raises(wasmpool.InvalidArgument):
        cfg.strategy = 7
    with pytest.raises(TypeError):
        wasmpool.Config(no_such_knob=1)
    assert cfg.total_memories == 3
    cfg.close()
    with pytest.raises(wasmpool.InvalidArgument):
        cfg.total_memories


def test_footprint_server_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    small = wasmpool.Config(total_memories=2, max_memory_size=1 << 20, memory_reservation=1 << 20)
    big = wasmpool.Config(total_memories=20, max_memory_size=1 << 20, memory_reservation=1 << 20)
    assert big.footprint().memories_reserved > small.footprint().memories_reserved > 0
    server = wasmpool.Config.server(64)
    assert server.total_core_instances >= 64
    for bad in (0, -1, 1 << 32):
        with pytest.raises(wasmpool.InvalidArgument):
            wasmpool.Config.server(bad)
    monkeypatch.setenv("PYTEST_WP_TOTAL_MEMORIES", "17")
    assert small.apply_env("PYTEST_WP_") == 1 and small.total_memories == 17
    monkeypatch.setenv("PYTEST_WP_TOTAL_TABLES", "many")
    with pytest.raises(wasmpool.InvalidArgument) as e:
        small.apply_env("PYTEST_WP_")
    assert "PYTEST_WP_TOTAL_TABLES" in str(e.value)


def test_error_classes_follow_the_header_enum() -> None:
    kinds = _ffi.ENUMS["wasmpool_error_kind_t"]
    assert len(wasmpool.ERROR_CLASSES) == len(kinds)
    for value, cls in wasmpool.ERROR_CLASSES.items():
        assert issubclass(cls, wasmpool.WasmpoolError) and cls.kind == value
        assert getattr(wasmpool, cls.__name__) is cls
    assert wasmpool.PoolExhausted.kind == kinds["WASMPOOL_ERROR_POOL_EXHAUSTED"]
    assert wasmpool.LimitExceeded.kind == kinds["WASMPOOL_ERROR_LIMIT_EXCEEDED"]
    assert wasmpool.Trap.kind == kinds["WASMPOOL_ERROR_TRAP"]
