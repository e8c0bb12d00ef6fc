"""Components: Component, ComponentLinker (Python host functions), ComponentPre,
ComponentInstance, ComponentFunc. Values map to Python (component_values.py) as follows:

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
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from . import _ffi
from ._bytes import PathLike, fspath, take_bytes, wasm_bytes
from ._handle import Handle
from ._lib import lib
from .component_values import (
    ComponentCaller,
    Err,
    ItemKind,
    Ok,
    Resource,
    ResourceType,
    Val,
    ValKind,
    Variant,
    from_c,
    from_wave,
    to_c,
    to_wave,
    wit,
)
from .core import Store, host_finalizer, register_host, trap_from_exception
from .engine import Engine
from .errors import check, fail

__all__ = [
    "Component", "ComponentCaller", "ComponentFunc", "ComponentInstance", "ComponentLinker", "ComponentPre",
    "Err", "FuncType", "ItemKind", "Ok", "Resource", "ResourceType", "ValKind", "Variant",
    "from_c", "from_wave", "to_c", "to_wave", "wit",
]

@dataclass(frozen=True)
class FuncType:
    """A component function's signature: parameter names and types, result types (types are
    borrowed ``wasmpool_component_type_t`` addresses, valid while the component lives)."""

    name: str
    kind: Any
    wit: str | None
    param_names: tuple[str, ...]
    param_types: tuple[int, ...]
    result_types: tuple[int, ...]


def _item(it: _ffi.wasmpool_component_item_t) -> FuncType:
    return FuncType(
        name=it.name.decode(),
        kind=ItemKind(it.kind),
        wit=it.wit.decode() if it.wit else None,
        param_names=tuple(it.param_names[i].decode() for i in range(it.nparams)),
        param_types=tuple(it.param_types[i] for i in range(it.nparams)),
        result_types=tuple(it.result_types[i] for i in range(it.nresults)),
    )


class Component(Handle):
    """A compiled component (binary, or WAT text given as ``str``). Thread-safe."""

    _delete = lib.wasmpool_component_delete

    def __init__(self, engine: Engine, wasm: bytes | bytearray | memoryview | str) -> None:
        data = wasm_bytes(wasm)
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_new(engine.ptr, data, len(data), ctypes.byref(out)))
        self.engine = engine
        self._set(out.value)

    @classmethod
    def _made(cls, engine: Engine, fn: Callable[..., int], *args: Any) -> Component:
        out = ctypes.c_void_p()
        check(fn(engine.ptr, *args, ctypes.byref(out)))
        c = cls.__new__(cls)
        c.engine = engine
        c._set(out.value)
        return c

    @classmethod
    def from_file(cls, engine: Engine, path: PathLike) -> Component:
        return cls._made(engine, lib.wasmpool_component_new_file, fspath(path))

    @classmethod
    def deserialize(cls, engine: Engine, data: bytes) -> Component:
        """Load what ``serialize`` produced (trusted input only: it is native code)."""
        return cls._made(engine, lib.wasmpool_component_deserialize, data, len(data))

    @classmethod
    def deserialize_file(cls, engine: Engine, path: PathLike) -> Component:
        return cls._made(engine, lib.wasmpool_component_deserialize_file, fspath(path))

    def serialize(self) -> bytes:
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_serialize(self.ptr, ctypes.byref(out)))
        return take_bytes(out.value)  # type: ignore[arg-type]

    def _items(self, count: Callable[[int], int], get: Callable[..., int]) -> Iterator[FuncType]:
        for i in range(count(self.ptr)):
            it = _ffi.wasmpool_component_item_t()
            check(get(self.ptr, i, ctypes.byref(it)))
            yield _item(it)

    @property
    def imports(self) -> list[FuncType]:
        return list(self._items(lib.wasmpool_component_import_count, lib.wasmpool_component_import))

    @property
    def exports(self) -> list[FuncType]:
        return list(self._items(lib.wasmpool_component_export_count, lib.wasmpool_component_export))

    def export_type(self, name: str) -> FuncType:
        """The signature of the export ``name`` (the listing is read once per component)."""
        types = self.__dict__.get("_export_types")
        if types is None:
            types = self.__dict__["_export_types"] = {it.name: it for it in self.exports}
        try:
            return types[name]
        except KeyError:
            raise KeyError(f"the component exports no {name!r}") from None

    def import_type(self, instance: str, name: str) -> FuncType | None:
        """The signature of the imported function ``name`` of interface ``instance`` ("" for the
        root), or None when the component does not import it."""
        full = f"{instance}#{name}" if instance else name
        return next((it for it in self.imports if it.name == full), None)


class ComponentLinker(Handle):
    """Definitions for components' imports: Python host functions and WASI preview 2."""

    _delete = lib.wasmpool_component_linker_delete

    def __init__(self, engine: Engine) -> None:
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_linker_new(engine.ptr, ctypes.byref(out)))
        self.engine = engine
        self._set(out.value)

    def define_func(
        self,
        instance: str,
        name: str,
        fn: Callable[..., Any],
        *,
        component: Component | None = None,
        caller: bool = False,
    ) -> None:
        """Define the function ``name`` of the imported interface ``instance`` ("" for the root)
        as the Python callable ``fn``, called with the arguments as Python values (after a
        ``ComponentCaller`` when ``caller=True``).

        ``fn`` returns None (no results), one value, or a tuple for several. Its results are
        converted by the import's type, read from ``component`` (needed when the function has
        results). An exception raised by ``fn`` traps the guest with its message."""
        ty = component.import_type(instance, name) if component is not None else None
        if component is not None and ty is None:
            raise KeyError(f"the component imports no {instance + '#' if instance else ''}{name}")
        rtypes = ty.result_types if ty else ()
        label = f"{instance}#{name}" if instance else name

        def trampoline(env: int, caller_ptr: int, args: Any, nargs: int, res: Any, nres: int) -> int | None:
            c = ComponentCaller(caller_ptr) if caller else None
            try:
                values = [from_c(args[i]) for i in range(nargs)]
                out = fn(c, *values) if caller else fn(*values)
                if nres == 0:
                    return None
                if len(rtypes) != nres:
                    raise TypeError(f"{label} has results: define it with component= to give their types")
                seq = (out,) if nres == 1 else tuple(out)
                if len(seq) != nres:
                    raise TypeError(f"{label} must return {nres} results")
                for i, v in enumerate(seq):
                    to_c(rtypes[i], v, res[i])
                return None
            except BaseException as exc:  # noqa: BLE001 - every exception becomes a trap
                return trap_from_exception(exc)
            finally:
                if c is not None:
                    c._ptr = None

        cb = _ffi.wasmpool_component_func_callback_t(trampoline)
        key = register_host((cb, fn, component))
        err = lib.wasmpool_component_linker_define_func(self.ptr, instance.encode(), name.encode(), cb, key, host_finalizer)
        if err:
            host_finalizer(key)
            fail(err)

    def define_resource(self, instance: str, name: str, ty: ResourceType) -> None:
        """Define the resource type ``name`` of the imported interface ``instance`` as ``ty``."""
        check(lib.wasmpool_component_linker_define_resource(self.ptr, instance.encode(), name.encode(), ty.ptr))
        self._resource_types = getattr(self, "_resource_types", []) + [ty]

    def define_unknown_imports_as_traps(self, component: Component) -> None:
        check(lib.wasmpool_component_linker_define_unknown_imports_as_traps(self.ptr, component.ptr))

    def define_wasi(self) -> None:
        """Define WASI preview 2; stores need a WasiConfig."""
        check(lib.wasmpool_component_linker_define_wasi(self.ptr))

    def instantiate_pre(self, component: Component) -> ComponentPre:
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_linker_instantiate_pre(self.ptr, component.ptr, ctypes.byref(out)))
        pre = ComponentPre.__new__(ComponentPre)
        pre.component = component
        pre.linker = self
        pre._set(out.value)
        return pre


class ComponentPre(Handle):
    """A component with its imports resolved. Thread-safe: instantiate it in many stores."""

    _delete = lib.wasmpool_component_pre_delete
    component: Component
    linker: ComponentLinker

    def instantiate(self, store: Store) -> ComponentInstance:
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_pre_instantiate(self.ptr, store.ptr, ctypes.byref(out)))
        return ComponentInstance(store, out.value, self.component)  # type: ignore[arg-type]


def _call_with(ty: FuncType, args: tuple[Any, ...], call: Callable[..., int]) -> Any:
    if len(args) != len(ty.param_types):
        raise TypeError(f"{ty.name} takes {len(ty.param_types)} arguments, {len(args)} given")
    n, nres = len(args), len(ty.result_types)
    a = (Val * max(n, 1))()
    r = (Val * max(nres, 1))()
    try:
        for i, (pty, v) in enumerate(zip(ty.param_types, args)):
            to_c(pty, v, a[i])
        check(call(a if n else None, n, r if nres else None, nres))
        try:
            values = [from_c(r[i]) for i in range(nres)]
        finally:
            for i in range(nres):
                lib.wasmpool_component_val_delete(ctypes.byref(r[i]))
    finally:
        for i in range(n):
            lib.wasmpool_component_val_delete(ctypes.byref(a[i]))
    return None if nres == 0 else values[0] if nres == 1 else tuple(values)


class ComponentInstance:
    """A component instance, owned by its Store (valid while the store is open)."""

    def __init__(self, store: Store, ptr: int, component: Component) -> None:
        self.store = store
        self.component = component
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        self.store.ptr  # raises when the store is closed
        return self._ptr

    def call(self, name: str, *args: Any) -> Any:
        """Call the export ``name`` ("f", or "ns:pkg/iface#f"), arguments and result as Python values."""
        ty = self.component.export_type(name)
        enc = name.encode()
        return _call_with(ty, args, lambda a, n, r, nr: lib.wasmpool_component_instance_call(self.ptr, enc, a, n, r, nr))

    def func(self, name: str) -> ComponentFunc:
        out = ctypes.c_void_p()
        check(lib.wasmpool_component_instance_func(self.ptr, name.encode(), ctypes.byref(out)))
        return ComponentFunc(self, out.value, self.component.export_type(name))  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> ComponentFunc:
        return self.func(name)

    def run(self) -> int:
        """Run ``wasi:cli/run``; returns the exit code (0 or 1)."""
        code = ctypes.c_int32()
        check(lib.wasmpool_component_instance_run(self.ptr, ctypes.byref(code)))
        return code.value


class ComponentFunc:
    """An exported component function looked up once; call it like a Python function."""

    def __init__(self, instance: ComponentInstance, ptr: int, ty: FuncType) -> None:
        self.instance = instance
        self.type = ty
        self._ptr = ptr

    def __call__(self, *args: Any) -> Any:
        self.instance.store.ptr  # raises when the store is closed
        return _call_with(self.type, args, lambda a, n, r, nr: lib.wasmpool_component_func_call(self._ptr, a, n, r, nr))
