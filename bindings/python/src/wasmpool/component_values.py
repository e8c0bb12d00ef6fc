"""Component-model values in Python, and host-defined resource types.

| WIT                  | Python                                              |
|----------------------|-----------------------------------------------------|
| bool                 | bool                                                |
| s8 ... u64           | int                                                 |
| f32, f64             | float                                               |
| char                 | str of length 1                                     |
| string               | str                                                 |
| list<T>              | list                                                |
| record               | dict (field name -> value)                          |
| tuple<...>           | tuple                                               |
| variant              | Variant(case, value) (value None without payload)   |
| enum                 | str (the case name)                                 |
| option<T>            | None or the value                                   |
| result<T, E>         | Ok(value) or Err(value)                             |
| flags                | frozenset of the set flags' names (any iterable in) |
"""

from __future__ import annotations

import ctypes
import itertools
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from . import _ffi
from ._bytes import take_bytes
from ._handle import Handle
from ._lib import lib
from .core import Store, host_finalizer, register_host
from .errors import check, fail

T = TypeVar("T")
Val = _ffi.wasmpool_component_val_t
_VAL_SIZE = ctypes.sizeof(Val)

ValKind = _ffi.ComponentValkind
ItemKind = _ffi.ComponentItemkind
K = ValKind

_libc = ctypes.CDLL(None)
_libc.calloc.restype = ctypes.c_void_p
_libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]


def _calloc(n: int, size: int) -> int:
    p = _libc.calloc(max(n, 1), size)
    if not p:
        raise MemoryError
    return p  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Ok(Generic[T]):
    """The ok case of a WIT ``result``."""

    value: T = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Err(Generic[T]):
    """The error case of a WIT ``result``."""

    value: T = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Variant:
    """A case of a WIT ``variant``: its name and payload (None when the case has none)."""

    case: str
    value: Any = None


class Resource:
    """A resource handle (``own<R>`` or ``borrow<R>``), owned by a store: valid while the store
    lives, until it is passed on (to the guest as an owning argument or result) or dropped."""

    __slots__ = ("ptr",)

    def __init__(self, ptr: int) -> None:
        self.ptr = ptr

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and other.ptr == self.ptr

    def __hash__(self) -> int:
        return hash(self.ptr)

    def __repr__(self) -> str:
        return f"Resource(0x{self.ptr:x})"

    @property
    def owned(self) -> bool:
        """Whether this is an owning handle (``own<R>``) rather than a borrow."""
        return bool(lib.wasmpool_component_resource_owned(self.ptr))

    def data(self, ty: ResourceType) -> Any:
        """The Python object behind this handle when it is of the host type ``ty``, else None."""
        key = lib.wasmpool_component_resource_data(self.ptr, ty.ptr)
        return ty._objects.get(key) if key else None

    def drop(self, store: Store) -> None:
        """Drop this owning handle now (a host object's destructor runs); the handle is spent."""
        check(lib.wasmpool_component_resource_drop(store.ptr, self.ptr))


class ResourceType(Handle):
    """A host-defined resource type whose objects are Python objects.

    Define it in a ComponentLinker (``define_resource``), make objects with
    ``Store.resource_new`` / ``ComponentCaller.resource_new``, get them back with
    ``Resource.data(ty)``. ``destructor`` (optional) is called with the object once, when its
    last owning handle is dropped (by the guest, by ``Resource.drop``, or with the store); an
    exception in it is reported on stderr, never raised into wasmpool."""

    _delete = lib.wasmpool_component_resource_type_delete

    def __init__(self, destructor: Callable[[Any], None] | None = None) -> None:
        self._objects: dict[int, Any] = {}
        self._keys = itertools.count(1)  # next() is atomic under the GIL: any thread may register
        objects = self._objects

        def destroy(env: int, data: int) -> None:
            obj = objects.pop(data or 0, None)
            if destructor is not None:
                try:
                    destructor(obj)
                except BaseException as exc:  # noqa: BLE001 - no way to report it to the guest
                    import traceback

                    traceback.print_exception(type(exc), exc, exc.__traceback__)

        cb = _ffi.wasmpool_component_resource_destructor_t(destroy)
        key = register_host((cb, objects, destructor))
        out = ctypes.c_void_p()
        err = lib.wasmpool_component_resource_type_new(cb, key, host_finalizer, ctypes.byref(out))
        if err:
            host_finalizer(key)
            fail(err)
        self._set(out.value)

    def _register(self, obj: Any) -> int:
        key = next(self._keys)
        self._objects[key] = obj
        return key

    def new(self, store: Store, obj: Any) -> Resource:
        """A new object of this type in ``store`` (an owning handle)."""
        key = self._register(obj)
        out = ctypes.c_void_p()
        err = lib.wasmpool_component_resource_new(store.ptr, self.ptr, key, ctypes.byref(out))
        if err:
            self._objects.pop(key, None)
            fail(err)
        return Resource(out.value)  # type: ignore[arg-type]

    @property
    def live(self) -> int:
        """How many objects of this type are alive (not yet destroyed)."""
        return len(self._objects)


class ComponentCaller:
    """The store calling a component host function; valid only during that call."""

    def __init__(self, ptr: int) -> None:
        self._ptr: int | None = ptr

    def resource_new(self, ty: ResourceType, obj: Any) -> Resource:
        """A new object of ``ty`` in the calling store, typically returned to the guest."""
        if not self._ptr:
            raise RuntimeError("a ComponentCaller is only valid during its host call")
        key = ty._register(obj)
        out = ctypes.c_void_p()
        err = lib.wasmpool_component_caller_resource_new(self._ptr, ty.ptr, key, ctypes.byref(out))
        if err:
            ty._objects.pop(key, None)
            fail(err)
        return Resource(out.value)  # type: ignore[arg-type]


# --- C -> Python (the kind says everything) ------------------------------------------------------
def _string(s: _ffi.wasmpool_component_string_t) -> str:
    return ctypes.string_at(s.data, s.len).decode("utf-8") if s.len else ""


def from_c(v: Val) -> Any:
    k = v.kind
    o = v.of
    if k == K.BOOL:
        return bool(o.boolean)
    if K.S8 <= k <= K.F64:
        return getattr(o, K(k).name.lower())
    if k == K.CHAR:
        return chr(o.character)
    if k == K.STRING:
        return _string(o.string)
    if k == K.LIST:
        return [from_c(o.list.data[i]) for i in range(o.list.len)]
    if k == K.TUPLE:
        return tuple(from_c(o.tuple.data[i]) for i in range(o.tuple.len))
    if k == K.RECORD:
        return {_string(f.name): from_c(f.value) for f in (o.record.data[i] for i in range(o.record.len))}
    if k == K.VARIANT:
        return Variant(_string(o.variant.name), from_c(o.variant.payload[0]) if o.variant.payload else None)
    if k == K.ENUM:
        return _string(o.enumeration)
    if k == K.OPTION:
        return from_c(o.option[0]) if o.option else None
    if k == K.RESULT:
        payload = from_c(o.result.payload[0]) if o.result.payload else None
        return Ok(payload) if o.result.is_ok else Err(payload)
    if k == K.FLAGS:
        return frozenset(_string(o.flags.data[i]) for i in range(o.flags.len))
    if k == K.RESOURCE:
        return Resource(o.resource or 0)
    raise TypeError(f"component value of kind {k} cannot be read")


# --- Python -> C (by the type; every payload is calloc'd, freed by wasmpool_component_val_delete
# for arguments and by wasmpool itself for host function results) --------------------------------
def _set_string(s: _ffi.wasmpool_component_string_t, text: str) -> None:
    data = text.encode("utf-8")
    buf = _calloc(len(data), 1)
    ctypes.memmove(buf, data, len(data))
    s.data = buf
    s.len = len(data)


def _member(ty: int, i: int) -> tuple[str | None, int | None]:
    name, n, member = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_void_p()
    check(lib.wasmpool_component_type_member(ty, i, ctypes.byref(name), ctypes.byref(n), ctypes.byref(member)))
    return (ctypes.string_at(name.value, n.value).decode() if name.value else None), member.value


def _members(ty: int) -> list[tuple[str | None, int | None]]:
    return [_member(ty, i) for i in range(lib.wasmpool_component_type_count(ty))]


def _vals(n: int) -> Any:
    return ctypes.cast(_calloc(n, _VAL_SIZE), ctypes.POINTER(Val))


def to_c(ty: int, value: Any, out: Val) -> None:
    """Write ``value`` as a value of the component type ``ty`` into ``out``."""
    k = lib.wasmpool_component_type_kind(ty)
    out.kind = k
    o = out.of
    if k == K.BOOL:
        if not isinstance(value, bool):
            raise TypeError(f"expected bool, got {value!r}")
        o.boolean = value
    elif K.S8 <= k <= K.U64:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"expected int, got {value!r}")
        setattr(o, K(k).name.lower(), value)
    elif k in (K.F32, K.F64):
        setattr(o, K(k).name.lower(), float(value))
    elif k == K.CHAR:
        if not isinstance(value, str) or len(value) != 1:
            raise TypeError(f"expected a one-character str, got {value!r}")
        o.character = ord(value)
    elif k == K.STRING:
        if not isinstance(value, str):
            raise TypeError(f"expected str, got {value!r}")
        _set_string(o.string, value)
    elif k == K.LIST:
        items = list(value)
        elem = lib.wasmpool_component_type_element(ty)
        o.list.data = _vals(len(items))
        o.list.len = len(items)
        for i, v in enumerate(items):
            to_c(elem, v, o.list.data[i])
    elif k == K.TUPLE:
        members = _members(ty)
        elements = tuple(value)
        if len(elements) != len(members):
            raise TypeError(f"expected a tuple of {len(members)}, got {value!r}")
        o.tuple.data = _vals(len(elements))
        o.tuple.len = len(elements)
        for i, ((_, mty), v) in enumerate(zip(members, elements)):
            to_c(mty, v, o.tuple.data[i])  # type: ignore[arg-type]
    elif k == K.RECORD:
        members = _members(ty)
        if not isinstance(value, dict):
            raise TypeError(f"expected a dict for a record, got {value!r}")
        fields = ctypes.cast(_calloc(len(members), ctypes.sizeof(_ffi.wasmpool_component_field_t)),
                             ctypes.POINTER(_ffi.wasmpool_component_field_t))
        o.record.data = fields
        o.record.len = len(members)
        for i, (name, mty) in enumerate(members):
            _set_string(fields[i].name, name or "")
            if name not in value:
                raise TypeError(f"record field {name!r} is missing")
            to_c(mty, value[name], fields[i].value)  # type: ignore[arg-type]
    elif k == K.VARIANT:
        if not isinstance(value, Variant):
            raise TypeError(f"expected a Variant, got {value!r}")
        cases = dict(_members(ty))
        if value.case not in cases:
            raise TypeError(f"{value.case!r} is not a case of the variant ({', '.join(map(str, cases))})")
        _set_string(o.variant.name, value.case)
        mty = cases[value.case]
        if mty:
            o.variant.payload = _vals(1)
            to_c(mty, value.value, o.variant.payload[0])
    elif k == K.ENUM:
        if not isinstance(value, str):
            raise TypeError(f"expected an enum case name, got {value!r}")
        _set_string(o.enumeration, value)
    elif k == K.OPTION:
        if value is not None:
            o.option = _vals(1)
            to_c(lib.wasmpool_component_type_element(ty), value, o.option[0])
    elif k == K.RESULT:
        if not isinstance(value, (Ok, Err)):
            raise TypeError(f"expected Ok(...) or Err(...), got {value!r}")
        o.result.is_ok = isinstance(value, Ok)
        mty = (lib.wasmpool_component_type_result_ok if o.result.is_ok else lib.wasmpool_component_type_result_err)(ty)
        if mty:
            o.result.payload = _vals(1)
            to_c(mty, value.value, o.result.payload[0])
    elif k == K.FLAGS:
        names = sorted(set(value), key=[n for n, _ in _members(ty)].index)
        arr = ctypes.cast(_calloc(len(names), ctypes.sizeof(_ffi.wasmpool_component_string_t)),
                          ctypes.POINTER(_ffi.wasmpool_component_string_t))
        o.flags.data = arr
        o.flags.len = len(names)
        for i, n in enumerate(names):
            _set_string(arr[i], n)
    elif k == K.RESOURCE:
        if not isinstance(value, Resource):
            raise TypeError(f"expected a Resource, got {value!r}")
        o.resource = value.ptr
    else:
        raise TypeError(f"values of this component type cannot be passed from Python (kind {k})")


def wit(ty: int) -> str:
    """The WIT spelling of the component type ``ty``."""
    out = ctypes.c_void_p()
    check(lib.wasmpool_component_type_wit(ty, ctypes.byref(out)))
    return take_bytes(out.value).decode()  # type: ignore[arg-type]


def to_wave(ty: int, value: Any) -> str:
    """``value`` of type ``ty`` in WAVE text."""
    v = Val()
    try:
        to_c(ty, value, v)
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_val_to_wave(ctypes.byref(v), ty, ctypes.byref(out)))
        return take_bytes(out.value).decode()  # type: ignore[arg-type]
    finally:
        lib.wasmpool_component_val_delete(ctypes.byref(v))


def from_wave(ty: int, text: str) -> Any:
    """The WAVE ``text`` read as a value of type ``ty``."""
    data = text.encode()
    v = Val()
    check(lib.wasmpool_component_val_from_wave(ty, data, len(data), ctypes.byref(v)))
    try:
        return from_c(v)
    finally:
        lib.wasmpool_component_val_delete(ctypes.byref(v))
