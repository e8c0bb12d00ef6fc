"""wasi:http through the Python package: the proxy test guest answers requests."""

from __future__ import annotations

import pytest

import wasmpool
from wasmpool import http

from conftest import guest


@pytest.fixture
def proxy(engine: wasmpool.Engine) -> wasmpool.ComponentPre:
    component = wasmpool.Component(engine, guest("proxy.wasm").read_bytes())
    linker = wasmpool.ComponentLinker(engine)
    http.define_http(linker)
    return linker.instantiate_pre(component)


def test_echo_many(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    for i in range(50):
        with wasmpool.Store(engine) as store:
            body = f"request {i}".encode() * (i + 1)
            resp = http.handle(proxy, store, "POST", f"/echo?i={i}", headers={"x-n": str(i)}, body=body)
        assert resp.status == 200
        assert resp.header("x-method") == b"POST"
        assert resp.header("x-path") == f"/echo?i={i}".encode()
        assert resp.header("x-echo-x-n") == str(i).encode()
        assert resp.body == body
    assert engine.metrics().component_instances == 0


def test_trap_and_invalid(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    with wasmpool.Store(engine) as store, pytest.raises(wasmpool.Trap) as trap:
        http.handle(proxy, store, "GET", "/trap")
    assert trap.value.code == wasmpool.TrapCode.UNREACHABLE
    with wasmpool.Store(engine) as store, pytest.raises(wasmpool.OtherError, match="did not set a response"):
        http.handle(proxy, store, "GET", "/unset")


def test_outgoing_denied(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    with wasmpool.Store(engine) as store, http.HttpConfig(allow=["127.0.0.1:1"]) as cfg:
        http.set_http(store, cfg)
        resp = http.handle(proxy, store, "GET", "/out?127.0.0.1:2")
    assert (resp.status, resp.body) == (502, b"error 15")


def test_bad_request_fields(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    with wasmpool.Store(engine) as store, pytest.raises(wasmpool.InvalidArgument, match="path_with_query"):
        http.handle(proxy, store, "GET", "no-slash")
