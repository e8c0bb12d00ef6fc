"""Config: every knob of the C header as a property, presets and the footprint report."""

from __future__ import annotations

import ctypes
import enum
from dataclasses import dataclass, fields
from typing import Any

from . import _ffi
from ._handle import Handle
from ._lib import lib
from .errors import ERROR_CLASSES, ErrorKind, check


Strategy = _ffi.Strategy
Enabled = _ffi.Enabled
OptLevel = _ffi.OptLevel
Profiling = _ffi.Profiling
#: C enum type name -> Python IntEnum, for the enum-valued knobs.
ENUM_TYPES: dict[str, type[enum.IntEnum]] = _ffi.ENUM_CLASSES


@dataclass(frozen=True)
class Footprint:
    """What a configuration reserves and keeps resident (``wasmpool_footprint_t``), in bytes."""

    memories_reserved: int
    tables_reserved: int
    stacks_reserved: int
    instances_reserved: int
    gc_heaps_reserved: int
    total_reserved: int
    instances_max: int
    resident_per_warm_slot: int
    warm_resident_max: int


_BITS = {"uint32_t": 32, "uint64_t": 64, "size_t": 8 * ctypes.sizeof(ctypes.c_size_t)}


def _invalid(message: str) -> Exception:
    kind = ErrorKind.INVALID_ARGUMENT
    return ERROR_CLASSES[kind](message, kind)


def _knob_property(name: str, c_type: str) -> property:
    getter = getattr(lib, f"wasmpool_config_{name}_get")
    setter = getattr(lib, f"wasmpool_config_{name}_set")
    convert: Any = ENUM_TYPES.get(c_type, bool if c_type == "bool" else int)
    # ctypes wraps integers silently (-1 becomes UINT32_MAX): refuse what the C type cannot hold.
    bits = _BITS.get(c_type)

    def get(self: Config) -> Any:
        return convert(getter(self.ptr))

    def set_(self: Config, value: Any) -> None:
        if bits is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits):
            raise _invalid(f"{name} = {value!r} is out of range: it must be an int from 0 to {(1 << bits) - 1}")
        check(setter(self.ptr, value))

    return property(get, set_, doc=f"The `{name}` knob ({c_type}); setting an invalid value raises InvalidArgument.")


class Config(Handle):
    """An engine configuration (``wasmpool_config_t``): the pooling allocator's knobs and the
    engine-wide settings, one property each (names as in the C API: ``cfg.total_memories = 8``).
    Not thread-safe; an Engine copies what it needs, so a Config can be reused or closed after."""

    _delete = lib.wasmpool_config_delete
    KNOBS: tuple[str, ...] = tuple(name for name, _ in _ffi.KNOBS)

    def __init__(self, **knobs: Any) -> None:
        """A configuration with the library's defaults, then each keyword set as a knob."""
        self._set(lib.wasmpool_config_new())
        for k, v in knobs.items():
            if k not in self.KNOBS:
                raise TypeError(f"unknown knob {k!r}")
            setattr(self, k, v)

    @classmethod
    def server(cls, max_instances: int) -> Config:
        """The server preset sized for ``max_instances`` concurrent instances (InvalidArgument
        for 0 or a value the C type cannot hold)."""
        if isinstance(max_instances, bool) or not isinstance(max_instances, int) or not 0 < max_instances < 1 << 32:
            raise _invalid(f"max_instances={max_instances!r} is not a valid preset size")
        cfg = cls.__new__(cls)
        ptr = lib.wasmpool_config_new_server(max_instances)
        if not ptr:
            raise _invalid(f"max_instances={max_instances} is not a valid preset size")
        cfg._set(ptr)
        return cfg

    def apply_env(self, prefix: str) -> int:
        """Apply overrides from environment variables ``<prefix><KNOB>``; returns how many applied.
        A bad value raises, naming the variable, and nothing is applied."""
        applied = ctypes.c_size_t()
        check(lib.wasmpool_config_apply_env(self.ptr, prefix.encode(), ctypes.byref(applied)))
        return applied.value

    def footprint(self) -> Footprint:
        """The address space and resident memory this configuration would take."""
        out = _ffi.wasmpool_footprint_t()
        check(lib.wasmpool_config_footprint(self.ptr, ctypes.byref(out)))
        return Footprint(**{f.name: getattr(out, f.name) for f in fields(Footprint)})

    def knobs(self) -> dict[str, Any]:
        """Every knob and its current value."""
        return {k: getattr(self, k) for k in self.KNOBS}

    @property
    def cache_dir(self) -> str | None:
        """The compilation cache's directory, or None (no cache). Engines built from this
        config look compiled code up there and store it there, across processes; a directory
        that cannot be created makes ``Engine(config)`` raise ``IoError`` naming it."""
        raw = lib.wasmpool_config_cache_dir_get(self.ptr)
        return raw.decode() if raw else None

    @cache_dir.setter
    def cache_dir(self, value: str | None) -> None:
        check(lib.wasmpool_config_cache_dir_set(self.ptr, None if value is None else str(value).encode()))


for _name, _c_type in _ffi.KNOBS:
    setattr(Config, _name, _knob_property(_name, _c_type))


def memory_protection_keys_available() -> bool:
    """Whether this host supports memory protection keys."""
    return bool(lib.wasmpool_memory_protection_keys_available())
