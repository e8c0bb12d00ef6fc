"""Helpers for C buffers: ``wasmpool_bytes_t`` and host text."""

from __future__ import annotations

import ctypes
import os
from typing import Union

from ._lib import lib

PathLike = Union[str, "os.PathLike[str]"]


def take_bytes(ptr: int) -> bytes:
    """Copy an owned ``wasmpool_bytes_t *`` into ``bytes`` and release it."""
    try:
        n = lib.wasmpool_bytes_len(ptr)
        return ctypes.string_at(lib.wasmpool_bytes_data(ptr), n) if n else b""
    finally:
        lib.wasmpool_bytes_delete(ptr)


def wasm_bytes(source: bytes | bytearray | memoryview | str) -> bytes:
    """Binary WebAssembly as is; text (a str) as UTF-8."""
    return source.encode() if isinstance(source, str) else bytes(source)


def fspath(path: PathLike) -> bytes:
    return os.fsencode(path)
