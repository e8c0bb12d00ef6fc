"""wasi:http served from Python: hand a request to a ``wasi:http/proxy`` component, get its response."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ._handle import Handle
from ._lib import lib
from .component import ComponentLinker, ComponentPre
from .core import Store
from .errors import check


class HttpConfig(Handle):
    """What a store's guests may reach with outgoing requests: nothing unless allowed.
    Copied into a store by ``Store.set_http`` (or ``handle(..., http=cfg)``)."""

    _delete = lib.wasmpool_http_config_delete

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self._set(lib.wasmpool_http_config_new())
        for authority in allow:
            self.allow_authority(authority)

    def allow_authority(self, authority: str) -> HttpConfig:
        """Let guests send requests to ``authority`` (``host:port``, as in the request's URL)."""
        check(lib.wasmpool_http_config_allow_authority(self.ptr, authority.encode()))
        return self


@dataclass
class Response:
    """A guest's answer: status, headers in the guest's order (lower-case names), body."""

    status: int
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> bytes | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        name = name.lower()
        return next((v for n, v in self.headers if n == name), None)


def define_http(linker: ComponentLinker) -> None:
    """Define wasi:http (and the WASI preview-2 parts a proxy needs) in ``linker``."""
    check(lib.wasmpool_component_linker_define_http(linker.ptr))


def set_http(store: Store, cfg: HttpConfig) -> None:
    """Give ``store`` the outgoing-request policy ``cfg`` (copied)."""
    check(lib.wasmpool_store_http_set(store.ptr, cfg.ptr))


def handle(
    pre: ComponentPre,
    store: Store,
    method: str,
    path: str,
    *,
    headers: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]] = (),
    body: bytes = b"",
    scheme: str = "http",
    authority: str = "localhost",
) -> Response:
    """Instantiate the proxy ``pre`` in ``store`` (use a fresh store per request), hand it the
    request, and return its response. Guest failures raise (``Trap``, ``Interrupted``,
    ``PoolExhausted``, ...; an invalid answer is ``OtherError``)."""
    req = ctypes.c_void_p()
    check(lib.wasmpool_http_request_new(method.encode(), scheme.encode(), authority.encode(), path.encode(),
                                        ctypes.byref(req)))
    resp = ctypes.c_void_p()
    try:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            raw = value.encode() if isinstance(value, str) else bytes(value)
            check(lib.wasmpool_http_request_header_add(req, name.encode(), raw, len(raw)))
        check(lib.wasmpool_http_request_body_set(req, body, len(body)))
        check(lib.wasmpool_http_handle(pre.ptr, store.ptr, req, ctypes.byref(resp)))
        return _read_response(resp)
    finally:
        lib.wasmpool_http_request_delete(req)
        lib.wasmpool_http_response_delete(resp)


def _read_response(resp: ctypes.c_void_p) -> Response:
    status = ctypes.c_uint16()
    check(lib.wasmpool_http_response_status(resp, ctypes.byref(status)))
    count = ctypes.c_size_t()
    check(lib.wasmpool_http_response_header_count(resp, ctypes.byref(count)))
    headers = []
    for i in range(count.value):
        name, value, vlen = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.wasmpool_http_response_header_get(resp, i, ctypes.byref(name), ctypes.byref(value),
                                                    ctypes.byref(vlen)))
        text = ctypes.string_at(name.value).decode() if name.value else ""
        headers.append((text, ctypes.string_at(value.value, vlen.value) if vlen.value else b""))
    data, n = ctypes.c_void_p(), ctypes.c_size_t()
    check(lib.wasmpool_http_response_body(resp, ctypes.byref(data), ctypes.byref(n)))
    return Response(status.value, headers, ctypes.string_at(data.value, n.value) if n.value else b"")
