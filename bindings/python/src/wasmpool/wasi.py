"""WasiConfig: arguments, environment, stdio and preopened directories for WASI guests."""

from __future__ import annotations

import ctypes
from typing import Iterable

from . import _ffi
from ._bytes import PathLike, fspath
from ._handle import Handle
from ._lib import lib
from .errors import check

WasiPerms = _ffi.WasiPerms

#: Default capture limit (bytes) of ``capture_stdout`` / ``capture_stderr``.
DEFAULT_CAPTURE = 1 << 20


class WasiConfig(Handle):
    """One WASI configuration, copied into each Store given it (``Store(engine, wasi=cfg)``).
    Preview 1 for modules (``Linker.define_wasi``), preview 2 for components
    (``ComponentLinker.define_wasi``). The setters return ``self`` so they chain."""

    _delete = lib.wasmpool_wasi_config_delete

    def __init__(self) -> None:
        self._set(lib.wasmpool_wasi_config_new())

    def args(self, argv: Iterable[str]) -> WasiConfig:
        """The guest's arguments, ``argv[0]`` included."""
        items = [a.encode() for a in argv]
        arr = (ctypes.c_char_p * max(len(items), 1))(*items)
        check(lib.wasmpool_wasi_config_args_set(self.ptr, arr, len(items)))
        return self

    def env(self, name: str, value: str) -> WasiConfig:
        check(lib.wasmpool_wasi_config_env_set(self.ptr, name.encode(), value.encode()))
        return self

    def inherit_env(self) -> WasiConfig:
        check(lib.wasmpool_wasi_config_inherit_env(self.ptr))
        return self

    def stdin_bytes(self, data: bytes) -> WasiConfig:
        """The guest reads ``data`` from stdin."""
        check(lib.wasmpool_wasi_config_stdin_bytes_set(self.ptr, data, len(data)))
        return self

    def inherit_stdin(self) -> WasiConfig:
        check(lib.wasmpool_wasi_config_stdin_inherit(self.ptr))
        return self

    def capture_stdout(self, max_bytes: int = DEFAULT_CAPTURE) -> WasiConfig:
        """Keep up to ``max_bytes`` of stdout in the store (``Store.stdout``); the rest is counted."""
        check(lib.wasmpool_wasi_config_stdout_capture(self.ptr, max_bytes))
        return self

    def capture_stderr(self, max_bytes: int = DEFAULT_CAPTURE) -> WasiConfig:
        check(lib.wasmpool_wasi_config_stderr_capture(self.ptr, max_bytes))
        return self

    def inherit_stdout(self) -> WasiConfig:
        check(lib.wasmpool_wasi_config_stdout_inherit(self.ptr))
        return self

    def inherit_stderr(self) -> WasiConfig:
        check(lib.wasmpool_wasi_config_stderr_inherit(self.ptr))
        return self

    def inherit_stdio(self) -> WasiConfig:
        check(lib.wasmpool_wasi_config_stdio_inherit(self.ptr))
        return self

    def preopen_dir(self, host_path: PathLike, guest_path: str, perms: WasiPerms = WasiPerms.READ_ONLY) -> WasiConfig:
        """Give the guest the host directory ``host_path`` as ``guest_path``."""
        check(lib.wasmpool_wasi_config_preopen_dir(self.ptr, fspath(host_path), guest_path.encode(), int(perms)))
        return self

    def allow_network(self) -> WasiConfig:
        """Let preview-2 guests open sockets."""
        check(lib.wasmpool_wasi_config_network_allow(self.ptr))
        return self
