"""Memories, tables and globals as objects: made by the host (``Memory(store, 1, 2)``), or an
instance's exports (``instance.memory_export("memory")``); defined in a Linker for modules to
import (``linker.define_memory(store, "env", "memory", memory)``). Like an Instance, each is
owned by its Store and valid while the store is open; used by one thread at a time."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import _ffi
from ._lib import lib
from .core import ValKind, Value, _extern_info, _name, _read, _write, valkind
from .errors import check

if TYPE_CHECKING:
    from .core import Func, Instance, Store

RefType = _ffi.Reftype
PAGE = 65536


class _Extern:
    """A store-owned handle: valid while its store is open."""

    def __init__(self, store: Store, ptr: int) -> None:
        self.store = store
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        self.store.ptr  # raises when the store is closed
        return self._ptr


@dataclass(frozen=True)
class MemoryType:
    """``wasmpool_memorytype_t``: sizes in pages of 64 KiB; ``maximum`` None when unbounded."""

    minimum: int
    maximum: int | None = None
    is_64: bool = False
    shared: bool = False


class Memory(_Extern):
    """A linear memory: ``Memory(store, minimum, maximum=None, shared=False)`` makes one (pages of
    64 KiB); ``Instance.memory_export`` finds an exported one."""

    def __init__(self, store: Store, minimum: int = 1, maximum: int | None = None, *, is_64: bool = False,
                 shared: bool = False, _ptr: int | None = None) -> None:
        if _ptr is None:
            ty = _ffi.wasmpool_memorytype_t(minimum, maximum or 0, maximum is not None, is_64, shared)
            out = ctypes.c_void_p()
            check(lib.wasmpool_memory_new(store.ptr, ctypes.byref(ty), ctypes.byref(out)))
            _ptr = out.value
        super().__init__(store, _ptr)  # type: ignore[arg-type]

    @property
    def type(self) -> MemoryType:
        out = _ffi.wasmpool_memorytype_t()
        check(lib.wasmpool_memory_type(self.ptr, ctypes.byref(out)))
        return MemoryType(out.minimum, out.maximum if out.has_maximum else None, out.is_64, out.shared)

    @property
    def pages(self) -> int:
        """The size in pages."""
        return int(lib.wasmpool_memory_size(self.ptr))

    def _view(self) -> tuple[int, int]:
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.wasmpool_memory_data(self.ptr, ctypes.byref(data), ctypes.byref(size)))
        return data.value or 0, size.value

    def __len__(self) -> int:
        """The size in bytes."""
        return self._view()[1]

    def read(self, offset: int, length: int) -> bytes:
        base, size = self._view()
        if offset < 0 or length < 0 or offset + length > size:
            raise IndexError(f"{offset}+{length} is outside the memory ({size} bytes)")
        return ctypes.string_at(base + offset, length)

    def write(self, offset: int, data: bytes) -> None:
        base, size = self._view()
        if offset < 0 or offset + len(data) > size:
            raise IndexError(f"{offset}+{len(data)} is outside the memory ({size} bytes)")
        ctypes.memmove(base + offset, data, len(data))

    def grow(self, delta: int) -> int:
        """Grow by ``delta`` pages; returns the previous size (LimitExceeded beyond a limit)."""
        previous = ctypes.c_uint64()
        check(lib.wasmpool_memory_grow(self.ptr, delta, ctypes.byref(previous)))
        return previous.value


@dataclass(frozen=True)
class TableType:
    """``wasmpool_tabletype_t``: ``maximum`` None when unbounded."""

    element: RefType
    minimum: int
    maximum: int | None = None
    is_64: bool = False


class Table(_Extern):
    """A table: ``Table(store, minimum, maximum=None, element=RefType.FUNCREF)``, every element
    null; ``Instance.table_export`` finds an exported one. Elements of function tables are
    ``Func`` objects (None for null); other tables pass only null elements."""

    def __init__(self, store: Store, minimum: int = 0, maximum: int | None = None,
                 element: RefType = RefType.FUNCREF, *, _ptr: int | None = None) -> None:
        if _ptr is None:
            ty = _ffi.wasmpool_tabletype_t(element, minimum, maximum or 0, maximum is not None, False)
            out = ctypes.c_void_p()
            check(lib.wasmpool_table_new(store.ptr, ctypes.byref(ty), ctypes.byref(out)))
            _ptr = out.value
        super().__init__(store, _ptr)  # type: ignore[arg-type]

    @property
    def type(self) -> TableType:
        out = _ffi.wasmpool_tabletype_t()
        check(lib.wasmpool_table_type(self.ptr, ctypes.byref(out)))
        return TableType(RefType(out.element), out.minimum, out.maximum if out.has_maximum else None, out.is_64)

    def __len__(self) -> int:
        return int(lib.wasmpool_table_size(self.ptr))

    def get(self, index: int) -> Func | None:
        from .core import Func

        out = ctypes.c_void_p()
        check(lib.wasmpool_table_get(self.ptr, index, ctypes.byref(out)))
        if not out.value:
            return None
        info = _ffi.wasmpool_extern_info_t()
        check(lib.wasmpool_func_type(out.value, ctypes.byref(info)))
        return Func.of_store(self.store, out.value, _extern_info(info))

    def set(self, index: int, func: Func | None) -> None:
        check(lib.wasmpool_table_set(self.ptr, index, func._ptr if func is not None else None))

    def grow(self, delta: int, init: Func | None = None) -> int:
        """Grow by ``delta`` elements set to ``init``; returns the previous size."""
        previous = ctypes.c_uint64()
        check(lib.wasmpool_table_grow(self.ptr, delta, init._ptr if init is not None else None, ctypes.byref(previous)))
        return previous.value


class Global(_Extern):
    """A global: ``Global(store, "i32", 7, mutable=True)``; ``Instance.global_export`` finds an
    exported one. ``value`` reads and (when mutable) writes it."""

    def __init__(self, store: Store, kind: ValKind | str = ValKind.I32, value: Value = 0, *,
                 mutable: bool = False, _ptr: int | None = None) -> None:
        if _ptr is None:
            k = valkind(kind)
            ty = _ffi.wasmpool_globaltype_t(k, mutable)
            v = _ffi.wasmpool_val_t()
            _write(v, k, value)
            out = ctypes.c_void_p()
            check(lib.wasmpool_global_new(store.ptr, ctypes.byref(ty), ctypes.byref(v), ctypes.byref(out)))
            _ptr = out.value
        super().__init__(store, _ptr)  # type: ignore[arg-type]

    @property
    def kind(self) -> ValKind:
        out = _ffi.wasmpool_globaltype_t()
        check(lib.wasmpool_global_type(self.ptr, ctypes.byref(out)))
        return ValKind(out.kind)

    @property
    def mutable(self) -> bool:
        out = _ffi.wasmpool_globaltype_t()
        check(lib.wasmpool_global_type(self.ptr, ctypes.byref(out)))
        return bool(out.is_mutable)

    @property
    def value(self) -> Value:
        out = _ffi.wasmpool_val_t()
        check(lib.wasmpool_global_get(self.ptr, ctypes.byref(out)))
        return _read(out)

    @value.setter
    def value(self, value: Value) -> None:
        v = _ffi.wasmpool_val_t()
        _write(v, self.kind, value)
        check(lib.wasmpool_global_set(self.ptr, ctypes.byref(v)))


def memory_export(instance: Instance, name: str) -> Memory:
    out = ctypes.c_void_p()
    check(lib.wasmpool_instance_export_memory_n(instance.ptr, *_name(name), ctypes.byref(out)))
    return Memory(instance.store, _ptr=out.value)


def table_export(instance: Instance, name: str) -> Table:
    out = ctypes.c_void_p()
    check(lib.wasmpool_instance_export_table_n(instance.ptr, *_name(name), ctypes.byref(out)))
    return Table(instance.store, _ptr=out.value)


def global_export(instance: Instance, name: str) -> Global:
    out = ctypes.c_void_p()
    check(lib.wasmpool_instance_export_global_n(instance.ptr, *_name(name), ctypes.byref(out)))
    return Global(instance.store, _ptr=out.value)
