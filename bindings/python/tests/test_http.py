"""wasi:http through the Python package: the proxy test guest answers requests."""

from __future__ import annotations

from typing import Iterator

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


def test_streamed_bodies(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    import io

    size = 5 * 1024 * 1024
    payload = bytes(i % 251 for i in range(size))
    got: list[bytes] = []
    heads: list[http.Response] = []
    with wasmpool.Store(engine) as store:
        head = http.handle_stream(proxy, store, "POST", "/echo?s", got.append, on_head=heads.append,
                                  body=io.BytesIO(payload))
    assert head.status == 200 and head.body == b"" and heads == [head]
    assert head.header("x-path") == b"/echo?s"
    assert len(got) > 1 and b"".join(got) == payload

    chunks = [b"ab" * 40000, b"", b"c" * 70000]
    with wasmpool.Store(engine) as store:
        resp = http.handle(proxy, store, "PUT", "/echo", body=iter(chunks))
    assert resp.body == b"".join(chunks)


def test_streamed_failures(engine: wasmpool.Engine, proxy: wasmpool.ComponentPre) -> None:
    def broken() -> Iterator[bytes]:
        yield b"x" * 1000
        raise ConnectionError("the client went away")

    with wasmpool.Store(engine) as store, pytest.raises(wasmpool.Trap):
        http.handle(proxy, store, "POST", "/echo", body=broken())

    def refuse(chunk: bytes) -> None:
        raise BrokenPipeError("the client closed the connection")

    with wasmpool.Store(engine) as store, pytest.raises(wasmpool.Trap, match="the client closed the connection"):
        http.handle_stream(proxy, store, "GET", "/big?1000000", refuse)
    assert engine.metrics().component_instances == 0
