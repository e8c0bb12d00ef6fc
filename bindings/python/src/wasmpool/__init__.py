"""wasmpool: WebAssembly on Wasmtime's pooling instance allocator, from Python.

A ctypes binding of the C library ``libwasmpool.so.0`` (see ``wasmpool._lib`` for where it is
looked up). Every C handle is a class that closes itself (``close()``, ``with``, or garbage
collection); errors are exceptions, one class per error kind (``PoolExhausted``, ``Trap``, ...),
all deriving from ``WasmpoolError``.
"""

from __future__ import annotations

from . import errors
from .component import (
    Component,
    ComponentCaller,
    ComponentFunc,
    ComponentInstance,
    ComponentLinker,
    ComponentPre,
    Err,
    Ok,
    Resource,
    ResourceType,
    Variant,
)
from .config import Config, Enabled, Footprint, OptLevel, Profiling, Strategy, memory_protection_keys_available
from .core import (
    Caller,
    ExternInfo,
    ExternKind,
    Func,
    Instance,
    InstancePre,
    Linker,
    Module,
    Store,
    StoreLimits,
    ValKind,
)
from .engine import CacheStats, Engine, Metrics
from .errors import ERROR_CLASSES, ErrorKind, Frame, Trap, TrapCode, WasmpoolError
from .externs import Global, Memory, MemoryType, RefType, Table, TableType
from .http import HttpConfig, Response
from .wasi import WasiConfig, WasiPerms
from . import http

# One exception class per error kind of the header (PoolExhausted, LimitExceeded, ...).
globals().update({cls.__name__: cls for cls in ERROR_CLASSES.values()})

__version__ = "0.1.0"

__all__ = [
    "CacheStats", "Caller", "Component", "ComponentCaller", "ComponentFunc", "ComponentInstance", "ComponentLinker", "ComponentPre",
    "Config", "Enabled", "Engine", "Err", "HttpConfig", "Response", "http", "ErrorKind", "ExternInfo", "ExternKind", "Footprint", "Frame", "Func", "Global",
    "Instance", "InstancePre", "Linker", "Memory", "MemoryType", "Metrics", "Module", "Ok", "OptLevel", "Profiling", "RefType", "Resource", "ResourceType", "Store", "StoreLimits",
    "Strategy", "Table", "TableType", "Trap", "TrapCode", "ValKind", "Variant", "WasiConfig", "WasiPerms", "WasmpoolError",
    "errors", "memory_protection_keys_available",
] + [cls.__name__ for cls in ERROR_CLASSES.values() if cls.__name__ != "Trap"]
