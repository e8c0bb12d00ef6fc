"""Exceptions: one class per error kind of the C header (``wasmpool_error_kind_t``).

The classes are derived from the generated enum, so a kind added to the header gets its class
without a change here: ``WASMPOOL_ERROR_POOL_EXHAUSTED`` is ``PoolExhausted``,
``WASMPOOL_ERROR_LIMIT_EXCEEDED`` is ``LimitExceeded``, ``WASMPOOL_ERROR_TRAP`` is ``Trap``
(with ``.code``, a ``TrapCode``), ``WASMPOOL_ERROR_ENGINE`` is ``EngineError`` (see
``_class_name``), and so on. All derive from ``WasmpoolError`` (``.kind``, the
``ErrorKind``; ``.message``; ``str(e)`` is the message; ``.trace``, the guest's backtrace).
``WASMPOOL_ERROR_EXCEPTION`` (an uncaught WebAssembly exception) is ``ExceptionError``, whose
``.payload`` lists the exception's values.
"""

from __future__ import annotations

import ctypes
import enum
from dataclasses import dataclass
from typing import NoReturn

from . import _ffi
from ._lib import lib


ErrorKind = _ffi.ErrorKind
TrapCode = _ffi.TrapCode


@dataclass(frozen=True)
class Frame:
    """One frame of a guest backtrace (``wasmpool_trace_frame_t``), innermost first. Names are
    None when unknown; offsets None when unknown; ``file`` / ``line`` / ``column`` come from the
    guest's DWARF info (the ``wasm_backtrace_details`` knob) and are None / 0 without it."""

    func_index: int
    func_name: str | None
    module_name: str | None
    module_offset: int | None
    func_offset: int | None
    file: str | None
    line: int
    column: int


class WasmpoolError(Exception):
    """An error returned by wasmpool: ``kind`` (an ``ErrorKind``), ``message`` and ``trace``, the
    frames of the guest it unwound (a list of ``Frame``, innermost first; empty for errors that
    are not the guest's, or when the engine's ``wasm_backtrace`` knob is off)."""

    kind: enum.IntEnum
    trace: list[Frame]
    #: For ``ExceptionError`` (an uncaught WebAssembly exception): its payload values as Python
    #: numbers (16 bytes for a v128; None for a reference, which cannot be read yet). Empty for
    #: the other kinds.
    payload: list[int | float | bytes | None]

    def __init__(self, message: str, kind: enum.IntEnum | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.trace = []
        self.payload = []
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


_SIZE_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1


def _bytes_field(frame: ctypes.Structure, name: str) -> str | None:
    """A (pointer, length) name of ``frame``, read whole (names may hold NUL bytes)."""
    offset = getattr(type(frame), name).offset
    ptr = ctypes.c_void_p.from_buffer(frame, offset).value
    if not ptr:
        return None
    return ctypes.string_at(ptr, getattr(frame, f"{name}_len")).decode("utf-8", "replace")


def trace_of(err: int) -> list[Frame]:
    """The backtrace of a ``wasmpool_error_t *`` (borrowed), copied into Python."""
    frames = []
    for i in range(lib.wasmpool_error_trace_count(err)):
        f = _ffi.wasmpool_trace_frame_t()
        e = lib.wasmpool_error_trace_frame(err, i, ctypes.byref(f))
        if e:  # cannot happen for i < count; keep the error API's contract anyway
            lib.wasmpool_error_delete(e)
            break
        frames.append(
            Frame(
                func_index=f.func_index,
                func_name=_bytes_field(f, "func_name"),
                module_name=_bytes_field(f, "module_name"),
                module_offset=None if f.module_offset == _SIZE_MAX else f.module_offset,
                func_offset=None if f.func_offset == _SIZE_MAX else f.func_offset,
                file=_bytes_field(f, "file"),
                line=f.line,
                column=f.column,
            )
        )
    return frames


_MEMBERS = ("i32", "i64", "f32", "f64", "v128")


def payload_of(err: int) -> list[int | float | bytes | None]:
    """The payload of an uncaught exception's ``wasmpool_error_t *`` (borrowed); [] for other
    errors."""
    values: list[int | float | bytes | None] = []
    for i in range(lib.wasmpool_error_exception_payload_count(err)):
        v = _ffi.wasmpool_val_t()
        e = lib.wasmpool_error_exception_payload(err, i, ctypes.byref(v))
        if e:  # a reference value: not readable through wasmpool_val_t yet
            lib.wasmpool_error_delete(e)
            values.append(None)
            continue
        member = getattr(v.of, _MEMBERS[v.kind])
        values.append(bytes(member) if v.kind == 4 else member)
    return values


def take(err: int) -> WasmpoolError:
    """Turn an owned ``wasmpool_error_t *`` into an exception (and delete the C object)."""
    try:
        kind = lib.wasmpool_error_kind(err)
        raw = lib.wasmpool_error_message(err)
        message = raw.decode("utf-8", "replace") if raw else ""
        cls = ERROR_CLASSES.get(kind, WasmpoolError)
        exc: WasmpoolError
        if cls is Trap:
            code = _ffi.wasmpool_trap_code_t()
            has = lib.wasmpool_error_trap_code(err, _ffi.ctypes.byref(code))
            exc = Trap(message, ErrorKind(kind), code.value if has else None)
        else:
            exc = cls(message, ErrorKind(kind) if kind in ErrorKind._value2member_map_ else None)  # type: ignore[arg-type]
        exc.trace = trace_of(err)
        exc.payload = payload_of(err)
        return exc
    finally:
        lib.wasmpool_error_delete(err)


def check(err: int | None) -> None:
    """Raise the exception for ``err`` when it is not NULL."""
    if err:
        raise take(err)


def fail(err: int) -> NoReturn:
    raise take(err)


__all__ = ["ErrorKind", "Frame", "TrapCode", "WasmpoolError", "ERROR_CLASSES", "check", "take"] + [
    c.__name__ for c in ERROR_CLASSES.values()
]
