"""wasi:http served from Python: hand a request to a ``wasi:http/proxy`` component, get its response."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Union

from . import _ffi
from ._handle import Handle
from ._lib import lib
from .component import ComponentLinker, ComponentPre
from .core import Store, trap_from_exception
from .errors import check

#: A request body: bytes held whole, or streamed to the guest as it reads (a binary file object,
#: read with ``read(n)``, or an iterable of ``bytes`` chunks).
Body = Union[bytes, bytearray, memoryview, BinaryIO, Iterable[bytes]]


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


class _Request:
    """A ``wasmpool_http_request_t`` for one call; a streamed body's reader lives as long."""

    def __init__(self, method: str, path: str, scheme: str, authority: str,
                 headers: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]], body: Body) -> None:
        self.ptr = ctypes.c_void_p()
        self._reader = None
        check(lib.wasmpool_http_request_new(method.encode(), scheme.encode(), authority.encode(), path.encode(),
                                            ctypes.byref(self.ptr)))
        try:
            items = headers.items() if isinstance(headers, Mapping) else headers
            for name, value in items:
                raw = value.encode() if isinstance(value, str) else bytes(value)
                check(lib.wasmpool_http_request_header_add(self.ptr, name.encode(), raw, len(raw)))
            if isinstance(body, (bytes, bytearray, memoryview)):
                raw = bytes(body)
                check(lib.wasmpool_http_request_body_set(self.ptr, raw, len(raw)))
            else:
                self._stream(body)
        except BaseException:
            self.close()
            raise

    def _stream(self, body: BinaryIO | Iterable[bytes]) -> None:
        # wasmpool calls the reader only while the handle call runs, so no finalizer is needed:
        # the callback object is kept until close().
        chunks: Iterator[bytes] | None = None if hasattr(body, "read") else iter(body)  # type: ignore[arg-type]
        pending = b""

        def read(_env: int, buf: int, cap: int, length: ctypes._Pointer) -> int:  # type: ignore[type-arg]
            nonlocal pending
            try:
                if chunks is None:
                    data = body.read(cap) or b""  # type: ignore[union-attr]
                else:
                    while not pending:
                        chunk = next(chunks, None)
                        if chunk is None:  # the end (empty chunks are skipped)
                            break
                        pending = bytes(chunk)
                    data, pending = pending[:cap], pending[cap:]
                ctypes.memmove(buf, data, len(data))
                length[0] = len(data)
                return 0
            except BaseException as exc:  # noqa: BLE001 - the guest's read fails with its text
                return trap_from_exception(exc)

        self._reader = _ffi.wasmpool_http_body_read_callback_t(read)
        check(lib.wasmpool_http_request_body_reader_set(self.ptr, self._reader, None,
                                                        ctypes.cast(None, _ffi.wasmpool_finalizer_t)))

    def close(self) -> None:
        lib.wasmpool_http_request_delete(self.ptr)
        self.ptr = ctypes.c_void_p()
        self._reader = None


def handle(
    pre: ComponentPre,
    store: Store,
    method: str,
    path: str,
    *,
    headers: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]] = (),
    body: Body = b"",
    scheme: str = "http",
    authority: str = "localhost",
) -> Response:
    """Instantiate the proxy ``pre`` in ``store`` (use a fresh store per request), hand it the
    request, and return its response. ``body``: bytes, or a binary file / an iterable of
    ``bytes`` read as the guest reads it. Guest failures raise (``Trap``, ``Interrupted``,
    ``PoolExhausted``, ...; an invalid answer is ``OtherError``)."""
    req = _Request(method, path, scheme, authority, headers, body)
    resp = ctypes.c_void_p()
    try:
        check(lib.wasmpool_http_handle(pre.ptr, store.ptr, req.ptr, ctypes.byref(resp)))
        return _read_response(resp)
    finally:
        req.close()
        lib.wasmpool_http_response_delete(resp)


def handle_stream(
    pre: ComponentPre,
    store: Store,
    method: str,
    path: str,
    on_data: Callable[[bytes], None],
    *,
    on_head: Callable[[Response], None] | None = None,
    headers: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]] = (),
    body: Body = b"",
    scheme: str = "http",
    authority: str = "localhost",
) -> Response:
    """As ``handle``, with the response body handed to ``on_data(chunk)`` while the guest writes
    it (``on_head(response)`` first, with the status and headers): the body is never held whole.
    Returns the status and headers (``body`` empty). The callbacks run on another thread, one at
    a time, before this returns; an exception in one abandons the response and is raised as the
    call's error."""
    req = _Request(method, path, scheme, authority, headers, body)
    head: list[Response] = []

    def on_head_c(_env: int, resp: int) -> int:
        try:
            head.append(_read_response(ctypes.c_void_p(resp)))
            if on_head is not None:
                on_head(head[0])
            return 0
        except BaseException as exc:  # noqa: BLE001 - becomes the call's error
            return trap_from_exception(exc)

    def on_data_c(_env: int, data: int, length: int) -> int:
        try:
            on_data(ctypes.string_at(data, length))
            return 0
        except BaseException as exc:  # noqa: BLE001 - becomes the call's error
            return trap_from_exception(exc)

    head_cb = _ffi.wasmpool_http_head_callback_t(on_head_c)
    data_cb = _ffi.wasmpool_http_body_write_callback_t(on_data_c)
    try:
        check(lib.wasmpool_http_handle_stream(pre.ptr, store.ptr, req.ptr, head_cb, data_cb, None))
        return head[0]
    finally:
        req.close()


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
