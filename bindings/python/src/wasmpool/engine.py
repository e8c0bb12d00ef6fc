"""Engine and the pool's metrics."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, fields

from . import _ffi
from ._handle import Handle
from ._lib import lib
from .config import Config, Strategy
from .errors import check


@dataclass(frozen=True)
class Metrics:
    """A snapshot of an engine's pool (``wasmpool_metrics_t``): live instances, warm slots and
    the memory they keep resident, capacities. All zero (``pooling`` False) on an on-demand engine."""

    pooling: bool
    core_instances: int
    component_instances: int
    memories: int
    tables: int
    stacks: int
    gc_heaps: int
    unused_warm_memories: int
    unused_memory_bytes_resident: int
    unused_warm_tables: int
    unused_table_bytes_resident: int
    unused_warm_stacks: int
    unused_stack_bytes_resident: int
    total_core_instances: int
    total_component_instances: int
    total_memories: int
    total_tables: int
    total_stacks: int
    total_gc_heaps: int


@dataclass(frozen=True)
class CacheStats:
    """What an engine's compilation cache did (``wasmpool_cache_stats_t``): compilations it
    answered (``hits``) and compilations it stored (``misses``)."""

    hits: int
    misses: int


class Engine(Handle):
    """A compilation and instantiation environment with its pool. Thread-safe; keep it open as
    long as anything made from it is used (the objects made from it hold a reference)."""

    _delete = lib.wasmpool_engine_delete

    def __init__(self, config: Config | None = None) -> None:
        own = config is None
        cfg = Config() if config is None else config
        out = ctypes.c_void_p()
        try:
            check(lib.wasmpool_engine_new(cfg.ptr, ctypes.byref(out)))
        finally:
            if own:
                cfg.close()
        self._set(out.value)

    @property
    def strategy(self) -> Strategy:
        """The allocation strategy in force (POOLING or ON_DEMAND, after AUTO decided)."""
        return Strategy(lib.wasmpool_engine_strategy(self.ptr))

    @property
    def fallback_reason(self) -> str | None:
        """Why AUTO fell back to on-demand allocation, or None."""
        raw = lib.wasmpool_engine_fallback_reason(self.ptr)
        return raw.decode() if raw else None

    def metrics(self) -> Metrics:
        """A snapshot of the pool (cheap; any thread)."""
        out = _ffi.wasmpool_metrics_t()
        out.struct_size = ctypes.sizeof(out)
        check(lib.wasmpool_engine_metrics(self.ptr, ctypes.byref(out)))
        return Metrics(**{f.name: getattr(out, f.name) for f in fields(Metrics)})

    def cache_stats(self) -> CacheStats:
        """The compilation cache's counters (InvalidArgument for an engine without a cache)."""
        out = _ffi.wasmpool_cache_stats_t()
        check(lib.wasmpool_engine_cache_stats(self.ptr, ctypes.byref(out)))
        return CacheStats(hits=out.hits, misses=out.misses)

    def increment_epoch(self) -> None:
        """Advance the epoch (stores past their deadline are interrupted)."""
        lib.wasmpool_engine_increment_epoch(self.ptr)
