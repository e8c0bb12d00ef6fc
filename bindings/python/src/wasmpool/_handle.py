"""The base of every class that owns a C handle."""

from __future__ import annotations

from typing import Any, Callable

from .errors import WasmpoolError, ErrorKind


class Handle:
    """Owns one C handle (``_ptr``) released by ``_delete`` on ``close()``, on leaving a ``with``
    block, or when garbage-collected. Using a closed handle raises ``InvalidArgument``.
    Objects keep the objects they need alive (a Module its Engine, ...), so release order is
    never a concern of the caller."""

    _ptr: int | None = None
    _delete: Callable[[Any], None] | None = None

    def _set(self, ptr: int | None) -> None:
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        """The C handle (an integer address); raises when closed."""
        if not self._ptr:
            raise _closed(type(self).__name__)
        return self._ptr

    def close(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr and self._delete is not None:
            type(self)._delete(ptr)  # type: ignore[misc]

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing to report to
            pass


def _closed(what: str) -> WasmpoolError:
    from .errors import ERROR_CLASSES

    return ERROR_CLASSES[ErrorKind.INVALID_ARGUMENT](f"this {what} is closed", ErrorKind.INVALID_ARGUMENT)
