"""Exceptions: one class per error kind of the C header (``wasmpool_error_kind_t``).

The classes are derived from the generated enum, so a kind added to the header gets its class
without a change here: ``WASMPOOL_ERROR_POOL_EXHAUSTED`` is ``PoolExhausted``,
``WASMPOOL_ERROR_LIMIT_EXCEEDED`` is ``LimitExceeded``, ``WASMPOOL_ERROR_TRAP`` is ``Trap``
(with ``.code``, a ``TrapCode``), ``WASMPOOL_ERROR_ENGINE`` is ``EngineError`` (see
``_class_name``), and so on. All derive from ``WasmpoolError`` (``.kind``, the
``ErrorKind``; ``.message``; ``str(e)`` is the message).
"""

from __future__ import annotations

import enum
from typing import NoReturn

from . import _ffi
from ._lib import lib


ErrorKind = _ffi.ErrorKind
TrapCode = _ffi.TrapCode


class WasmpoolError(Exception):
    """An error returned by wasmpool: ``kind`` (an ``ErrorKind``) and ``message``."""

    kind: enum.IntEnum

    def __init__(self, message: str, kind: enum.IntEnum | None = None) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind


def _class_name(kind_name: str) -> str:
    """CamelCase of the kind; a one-word kind that does not read as an error on its own (not a
    participle like ``Interrupted``, not ``Trap``) gets ``Error`` appended: ``EngineError``."""
    parts = kind_name.split("_")
    name = "".join(part.capitalize() for part in parts)
    if len(parts) == 1 and not name.endswith("ed") and name != "Trap":
        name += "Error"
    return name


class _TrapError(WasmpoolError):
    """The guest trapped: ``code`` is the ``TrapCode`` (or None when it has none)."""

    code: TrapCode | None

    def __init__(self, message: str, kind: enum.IntEnum | None = None, code: int | None = None) -> None:
        super().__init__(message, kind)
        self.code = TrapCode(code) if code is not None else None


#: ErrorKind -> exception class (the TRAP kind's class derives from _TrapError for ``code``).
ERROR_CLASSES: dict[int, type[WasmpoolError]] = {}
for _kind in ErrorKind:
    _base: type[WasmpoolError] = _TrapError if _kind == ErrorKind.TRAP else WasmpoolError
    _cls = type(
        _class_name(_kind.name),
        (_base,),
        {"kind": _kind, "__doc__": _base.__doc__ if _base is _TrapError else f"wasmpool error of kind {_kind.name}.",
         "__module__": __name__},
    )
    ERROR_CLASSES[_kind.value] = _cls
    globals()[_cls.__name__] = _cls

Trap: type[_TrapError] = ERROR_CLASSES[ErrorKind.TRAP]  # type: ignore[assignment]


def take(err: int) -> WasmpoolError:
    """Turn an owned ``wasmpool_error_t *`` into an exception (and delete the C object)."""
    try:
        kind = lib.wasmpool_error_kind(err)
        raw = lib.wasmpool_error_message(err)
        message = raw.decode("utf-8", "replace") if raw else ""
        cls = ERROR_CLASSES.get(kind, WasmpoolError)
        if cls is Trap:
            code = _ffi.wasmpool_trap_code_t()
            has = lib.wasmpool_error_trap_code(err, _ffi.ctypes.byref(code))
            return Trap(message, ErrorKind(kind), code.value if has else None)
        return cls(message, ErrorKind(kind) if kind in ErrorKind._value2member_map_ else None)  # type: ignore[arg-type]
    finally:
        lib.wasmpool_error_delete(err)


def check(err: int | None) -> None:
    """Raise the exception for ``err`` when it is not NULL."""
    if err:
        raise take(err)


def fail(err: int) -> NoReturn:
    raise take(err)


__all__ = ["ErrorKind", "TrapCode", "WasmpoolError", "ERROR_CLASSES", "check", "take"] + [
    c.__name__ for c in ERROR_CLASSES.values()
]
