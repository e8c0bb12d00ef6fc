"""The epoch deadline callback of a Store (``wasmpool_store_epoch_deadline_callback``).

The Python callable lives in the host registry of ``core`` under the callback's ``env`` key until
wasmpool's finalizer drops it (when the callback is replaced or removed, or the store closes).
"""

from __future__ import annotations

from typing import Any, Callable

from . import _ffi
from ._lib import lib
from .core import host_finalizer, host_object, register_host, trap_from_exception
from .errors import fail


def set_callback(store: Any, fn: Callable[[Any], int | None] | None) -> None:
    """See ``Store.set_epoch_deadline_callback``."""
    if fn is None:
        none = _ffi.wasmpool_epoch_deadline_callback_t()  # a NULL function pointer
        err = lib.wasmpool_store_epoch_deadline_callback(store.ptr, none, None, _ffi.wasmpool_finalizer_t())
        if err:
            fail(err)
        return

    def trampoline(env: int, store_data: int | None, delta: Any, action: Any) -> int | None:
        try:
            ticks = fn(host_object(store_data))
            if ticks is None:
                action[0] = _ffi.EpochAction.INTERRUPT
            else:
                if isinstance(ticks, bool) or not isinstance(ticks, int) or not 0 <= ticks < 1 << 64:
                    raise TypeError(f"the epoch deadline callback must return ticks (an int) or None, got {ticks!r}")
                delta[0] = ticks
            return None
        except BaseException as exc:  # noqa: BLE001 - every exception becomes a trap
            return trap_from_exception(exc)

    cb = _ffi.wasmpool_epoch_deadline_callback_t(trampoline)
    key = register_host((cb, fn))
    err = lib.wasmpool_store_epoch_deadline_callback(store.ptr, cb, key, host_finalizer)
    if err:
        host_finalizer(key)  # on failure nothing is kept: the env is ours again
        fail(err)


__all__ = ["set_callback"]
