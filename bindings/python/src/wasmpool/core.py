"""Core modules: Module, Linker (with Python host functions), InstancePre, Store, Instance, Func."""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from . import _ffi
from ._bytes import PathLike, fspath, take_bytes, wasm_bytes
from ._handle import Handle
from ._lib import lib
from .engine import Engine
from .errors import Trap, WasmpoolError, check, fail

ValKind = _ffi.Valkind
ExternKind = _ffi.Externkind
_FIELD = {ValKind.I32: "i32", ValKind.I64: "i64", ValKind.F32: "f32", ValKind.F64: "f64", ValKind.V128: "v128"}

Value = Any  # int (i32, i64), float (f32, f64) or 16 bytes (v128)


def valkind(kind: ValKind | str | int) -> ValKind:
    """A ValKind from itself, its value or its name ("i32", "I64", ...)."""
    if isinstance(kind, str):
        return ValKind.__members__[kind.upper()]
    return ValKind(kind)


def _field(kind: int) -> str:
    try:
        return _FIELD[kind]  # type: ignore[index]
    except KeyError:
        raise TypeError(f"values of kind {ValKind(kind).name} cannot be passed from Python") from None


def _read(val: _ffi.wasmpool_val_t) -> Value:
    f = _field(val.kind)
    v = getattr(val.of, f)
    return bytes(v) if f == "v128" else v


def _write(val: _ffi.wasmpool_val_t, kind: int, value: Value) -> None:
    val.kind = kind
    f = _field(kind)
    if f == "v128":
        data = bytes(value)
        if len(data) != 16:
            raise TypeError("a v128 value is 16 bytes")
        ctypes.memmove(val.of.v128, data, 16)
    else:
        setattr(val.of, f, value)


@dataclass(frozen=True)
class ExternInfo:
    """An import or export: ``module`` (None for exports), ``name``, ``kind`` and, for
    functions, the parameter and result kinds."""

    module: str | None
    name: str
    kind: ExternKind
    params: tuple[ValKind, ...]
    results: tuple[ValKind, ...]


def _extern_info(info: _ffi.wasmpool_extern_info_t) -> ExternInfo:
    return ExternInfo(
        module=info.module.decode() if info.module else None,
        name=info.name.decode(),
        kind=ExternKind(info.kind),
        params=tuple(ValKind(info.params[i]) for i in range(info.nparams)),
        results=tuple(ValKind(info.results[i]) for i in range(info.nresults)),
    )


class Module(Handle):
    """A compiled core module (binary, or WAT text given as ``str``). Thread-safe."""

    _delete = lib.wasmpool_module_delete

    def __init__(self, engine: Engine, wasm: bytes | bytearray | memoryview | str) -> None:
        data = wasm_bytes(wasm)
        out = ctypes.c_void_p()
        check(lib.wasmpool_module_new(engine.ptr, data, len(data), ctypes.byref(out)))
        self.engine = engine
        self._set(out.value)

    @classmethod
    def _made(cls, engine: Engine, fn: Callable[..., int], *args: Any) -> Module:
        out = ctypes.c_void_p()
        check(fn(engine.ptr, *args, ctypes.byref(out)))
        m = cls.__new__(cls)
        m.engine = engine
        m._set(out.value)
        return m

    @staticmethod
    def validate(engine: Engine, wasm: bytes | bytearray | memoryview | str) -> None:
        """Check ``wasm`` against ``engine``'s features without compiling; raises CompileError."""
        data = wasm_bytes(wasm)
        check(lib.wasmpool_module_validate(engine.ptr, data, len(data)))

    @classmethod
    def from_file(cls, engine: Engine, path: PathLike) -> Module:
        """Compile the file at ``path`` (binary or text)."""
        return cls._made(engine, lib.wasmpool_module_new_file, fspath(path))

    @classmethod
    def deserialize(cls, engine: Engine, data: bytes) -> Module:
        """Load a module that ``serialize`` produced (trusted input only: it is native code)."""
        return cls._made(engine, lib.wasmpool_module_deserialize, data, len(data))

    @classmethod
    def deserialize_file(cls, engine: Engine, path: PathLike) -> Module:
        """Load a module from a file ``serialize`` wrote (trusted input only)."""
        return cls._made(engine, lib.wasmpool_module_deserialize_file, fspath(path))

    def serialize(self) -> bytes:
        """The compiled module as bytes for ``deserialize``."""
        out = ctypes.c_void_p()
        check(lib.wasmpool_module_serialize(self.ptr, ctypes.byref(out)))
        return take_bytes(out.value)  # type: ignore[arg-type]

    def _list(self, count: Callable[[int], int], item: Callable[..., int]) -> list[ExternInfo]:
        result = []
        for i in range(count(self.ptr)):
            info = _ffi.wasmpool_extern_info_t()
            check(item(self.ptr, i, ctypes.byref(info)))
            result.append(_extern_info(info))
        return result

    @property
    def imports(self) -> list[ExternInfo]:
        return self._list(lib.wasmpool_module_import_count, lib.wasmpool_module_import)

    @property
    def exports(self) -> list[ExternInfo]:
        return self._list(lib.wasmpool_module_export_count, lib.wasmpool_module_export)


# --- host functions -------------------------------------------------------------------------------
# A Python callable behind a C callback lives in _HOSTS under an integer key that is the
# callback's `env`; the finalizer, run by wasmpool when the last linker, pre-linked instance or
# store using the definition is gone, drops it. The CFUNCTYPE objects stay alive as long as that.
_HOSTS: dict[int, Any] = {}
_HOSTS_LOCK = threading.Lock()
_next_key = 1


def register_host(obj: Any) -> int:
    """Keep ``obj`` alive until ``host_finalizer`` runs with the returned key."""
    global _next_key
    with _HOSTS_LOCK:
        key = _next_key
        _next_key += 1
        _HOSTS[key] = obj
    return key


@_ffi.wasmpool_finalizer_t
def host_finalizer(env: int | None) -> None:
    with _HOSTS_LOCK:
        _HOSTS.pop(env or 0, None)


def host_object(key: int | None) -> Any:
    """The object registered under ``key`` (None when there is none)."""
    with _HOSTS_LOCK:
        return _HOSTS.get(key or 0)


def live_host_functions() -> int:
    """How many Python host callables wasmpool still holds (for tests of the finalizer)."""
    with _HOSTS_LOCK:
        return len(_HOSTS)


def trap_from_exception(exc: BaseException) -> int:
    """A ``wasmpool_error_t *`` trapping the guest with the exception's text (and its code when
    the exception is a ``Trap`` that has one)."""
    message = (f"{type(exc).__name__}: {exc}" if not isinstance(exc, WasmpoolError) else str(exc)).encode(
        "utf-8", "replace"
    ).replace(b"\0", b"?")
    code = getattr(exc, "code", None)
    if isinstance(exc, Trap) and code is not None:
        return lib.wasmpool_trap_new_with_code(int(code), message)  # type: ignore[no-any-return]
    return lib.wasmpool_trap_new(message)  # type: ignore[no-any-return]


def _name(name: str) -> tuple[bytes, int]:
    """A name as the ``_n`` functions take it: UTF-8 bytes and their length (NUL allowed)."""
    raw = name.encode()
    return raw, len(raw)


class Caller:
    """The instance calling a host function; valid only during that call."""

    def __init__(self, ptr: int) -> None:
        self._ptr: int | None = ptr

    def _memory(self, name: str) -> tuple[int, int]:
        if not self._ptr:
            raise RuntimeError("a Caller is only valid during its host call")
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.wasmpool_caller_memory_n(self._ptr, *_name(name), ctypes.byref(data), ctypes.byref(size)))
        return data.value or 0, size.value

    @property
    def data(self) -> Any:
        """The ``data`` of the caller's Store (``Store(engine, data=...)``), or None."""
        if not self._ptr:
            raise RuntimeError("a Caller is only valid during its host call")
        return host_object(lib.wasmpool_caller_store_data(self._ptr))

    def global_get(self, name: str) -> Value:
        """The value of the caller's exported global ``name``."""
        if not self._ptr:
            raise RuntimeError("a Caller is only valid during its host call")
        out = _ffi.wasmpool_val_t()
        check(lib.wasmpool_caller_global_get_n(self._ptr, *_name(name), ctypes.byref(out)))
        return _read(out)

    def read(self, offset: int, length: int, memory: str = "memory") -> bytes:
        """Copy ``length`` bytes at ``offset`` of the caller's exported memory."""
        base, size = self._memory(memory)
        if offset < 0 or length < 0 or offset + length > size:
            raise IndexError(f"{offset}+{length} is outside the memory ({size} bytes)")
        return ctypes.string_at(base + offset, length)

    def write(self, offset: int, data: bytes, memory: str = "memory") -> None:
        """Copy ``data`` into the caller's exported memory at ``offset``."""
        base, size = self._memory(memory)
        if offset < 0 or offset + len(data) > size:
            raise IndexError(f"{offset}+{len(data)} is outside the memory ({size} bytes)")
        ctypes.memmove(base + offset, data, len(data))


class Linker(Handle):
    """Definitions (host functions, WASI) that imports are resolved against. Not thread-safe
    while defining; the InstancePre it makes is."""

    _delete = lib.wasmpool_linker_delete

    def __init__(self, engine: Engine) -> None:
        out = ctypes.c_void_p()
        check(lib.wasmpool_linker_new(engine.ptr, ctypes.byref(out)))
        self.engine = engine
        self._set(out.value)

    def define_func(
        self,
        module: str,
        name: str,
        params: Sequence[ValKind | str],
        results: Sequence[ValKind | str],
        fn: Callable[..., Any],
        *,
        caller: bool = False,
    ) -> None:
        """Define ``module``.``name`` as the Python callable ``fn``.

        ``fn`` gets the arguments as Python numbers (after a ``Caller`` when ``caller=True``)
        and returns None, one value, or a tuple of as many values as ``results``. An exception
        raised by ``fn`` traps the guest: the caller of the guest gets a ``Trap`` with the
        exception's message (and code, when it is a ``Trap`` with one). ``fn`` may run on any
        thread that runs guests of this definition; it is kept alive until wasmpool's finalizer
        for it runs."""
        pk = [valkind(k) for k in params]
        rk = [valkind(k) for k in results]
        for k in pk + rk:
            _field(k)
        nres = len(rk)

        def trampoline(env: int, caller_ptr: int, args: Any, nargs: int, res: Any, nresults: int) -> int | None:
            c = Caller(caller_ptr) if caller else None
            try:
                values = [_read(args[i]) for i in range(nargs)]
                out = fn(c, *values) if caller else fn(*values)
                if nres == 0:
                    if out is not None:
                        raise TypeError(f"host function {module}.{name} returns no results, got {out!r}")
                else:
                    seq = (out,) if nres == 1 else tuple(out)
                    if len(seq) != nresults:
                        raise TypeError(f"host function {module}.{name} must return {nresults} results")
                    for i, v in enumerate(seq):
                        _write(res[i], res[i].kind, v)
                return None
            except BaseException as exc:  # noqa: BLE001 - every exception becomes a trap
                return trap_from_exception(exc)
            finally:
                if c is not None:
                    c._ptr = None

        cb = _ffi.wasmpool_func_callback_t(trampoline)
        key = register_host((cb, fn))
        pa = (ctypes.c_int * max(len(pk), 1))(*pk)
        ra = (ctypes.c_int * max(len(rk), 1))(*rk)
        err = lib.wasmpool_linker_define_func_n(
            self.ptr, *_name(module), *_name(name), pa, len(pk), ra, len(rk), cb, key, host_finalizer
        )
        if err:
            host_finalizer(key)  # on failure nothing is kept: the env is ours again
            fail(err)

    def define_unknown_imports_as_traps(self, module: Module) -> None:
        """Define every function import of ``module`` not yet defined as one that traps."""
        check(lib.wasmpool_linker_define_unknown_imports_as_traps(self.ptr, module.ptr))

    def define_wasi(self) -> None:
        """Define WASI preview 1 (``wasi_snapshot_preview1``); stores need a WASI config."""
        check(lib.wasmpool_linker_define_wasi(self.ptr))

    def define_memory(self, store: Store, module: str, name: str, memory: Any) -> None:
        """Define ``module``.``name`` as ``memory`` (a ``Memory`` of ``store``); the linker then
        links for that store only."""
        check(lib.wasmpool_linker_define_memory_n(self.ptr, store.ptr, *_name(module), *_name(name), memory.ptr))

    def define_table(self, store: Store, module: str, name: str, table: Any) -> None:
        """Define ``module``.``name`` as ``table`` (a ``Table`` of ``store``)."""
        check(lib.wasmpool_linker_define_table_n(self.ptr, store.ptr, *_name(module), *_name(name), table.ptr))

    def define_global(self, store: Store, module: str, name: str, glob: Any) -> None:
        """Define ``module``.``name`` as ``glob`` (a ``Global`` of ``store``)."""
        check(lib.wasmpool_linker_define_global_n(self.ptr, store.ptr, *_name(module), *_name(name), glob.ptr))

    def define_instance(self, store: Store, name: str, instance: Instance) -> None:
        """Define every export of ``instance`` under the module name ``name``."""
        check(lib.wasmpool_linker_define_instance_n(self.ptr, store.ptr, *_name(name), instance.ptr))

    def instantiate(self, store: Store, module: Module) -> Instance:
        """Link and instantiate ``module`` in ``store`` in one step (memories and tables are
        matched at their sizes now)."""
        out = ctypes.c_void_p()
        check(lib.wasmpool_linker_instantiate(self.ptr, store.ptr, module.ptr, ctypes.byref(out)))
        return Instance(store, out.value, module)  # type: ignore[arg-type]

    def instantiate_pre(self, module: Module) -> InstancePre:
        """Resolve ``module``'s imports once, for fast repeated instantiation."""
        out = ctypes.c_void_p()
        check(lib.wasmpool_linker_instantiate_pre(self.ptr, module.ptr, ctypes.byref(out)))
        pre = InstancePre.__new__(InstancePre)
        pre.module = module
        pre.linker = self
        pre._set(out.value)
        return pre


class InstancePre(Handle):
    """A module with its imports resolved. Thread-safe: instantiate it in many stores."""

    _delete = lib.wasmpool_instance_pre_delete
    module: Module
    linker: Linker

    def instantiate(self, store: Store) -> Instance:
        out = ctypes.c_void_p()
        check(lib.wasmpool_instance_pre_instantiate(self.ptr, store.ptr, ctypes.byref(out)))
        return Instance(store, out.value, self.module)  # type: ignore[arg-type]


class Instance:
    """An instance, owned by its Store (valid while the store is open)."""

    def __init__(self, store: Store, ptr: int, module: Module | None = None) -> None:
        self.store = store
        self.module = module
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        self.store.ptr  # raises when the store is closed
        return self._ptr

    def func(self, name: str) -> Func:
        """The exported function ``name`` (look it up once, call it many times)."""
        out = ctypes.c_void_p()
        check(lib.wasmpool_instance_func_n(self.ptr, *_name(name), ctypes.byref(out)))
        info = _ffi.wasmpool_extern_info_t()
        check(lib.wasmpool_instance_func_type_n(self.ptr, *_name(name), ctypes.byref(info)))
        return Func(self, out.value, _extern_info(info))  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> Func:
        return self.func(name)

    def call(self, name: str, *args: Value) -> Any:
        """Call the export ``name`` by name: None, one value, or a tuple for several results."""
        info = _ffi.wasmpool_extern_info_t()
        check(lib.wasmpool_instance_func_type_n(self.ptr, *_name(name), ctypes.byref(info)))
        t = _extern_info(info)
        a, r = _vals(t.params, args, name), (_ffi.wasmpool_val_t * max(len(t.results), 1))()
        check(lib.wasmpool_instance_call_n(self.ptr, *_name(name), a, len(t.params), r, len(t.results)))
        return _results(r, len(t.results))

    def _memory(self, name: str) -> tuple[int, int]:
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.wasmpool_instance_memory_n(self.ptr, *_name(name), ctypes.byref(data), ctypes.byref(size)))
        return data.value or 0, size.value

    def memory_size(self, name: str = "memory") -> int:
        return self._memory(name)[1]

    def memory_read(self, offset: int, length: int, name: str = "memory") -> bytes:
        base, size = self._memory(name)
        if offset < 0 or length < 0 or offset + length > size:
            raise IndexError(f"{offset}+{length} is outside the memory ({size} bytes)")
        return ctypes.string_at(base + offset, length)

    def memory_write(self, offset: int, data: bytes, name: str = "memory") -> None:
        base, size = self._memory(name)
        if offset < 0 or offset + len(data) > size:
            raise IndexError(f"{offset}+{len(data)} is outside the memory ({size} bytes)")
        ctypes.memmove(base + offset, data, len(data))

    def global_get(self, name: str) -> Value:
        out = _ffi.wasmpool_val_t()
        check(lib.wasmpool_instance_global_get_n(self.ptr, *_name(name), ctypes.byref(out)))
        return _read(out)

    def global_set(self, name: str, value: Value, kind: ValKind | str = ValKind.I32) -> None:
        v = _ffi.wasmpool_val_t()
        _write(v, valkind(kind), value)
        check(lib.wasmpool_instance_global_set_n(self.ptr, *_name(name), ctypes.byref(v)))

    def memory_export(self, name: str = "memory") -> Any:
        """The exported memory ``name`` as a ``Memory`` object."""
        from .externs import memory_export

        return memory_export(self, name)

    def table_export(self, name: str) -> Any:
        """The exported table ``name`` as a ``Table`` object."""
        from .externs import table_export

        return table_export(self, name)

    def global_export(self, name: str) -> Any:
        """The exported global ``name`` as a ``Global`` object."""
        from .externs import global_export

        return global_export(self, name)

    def run(self) -> int:
        """Run ``_start`` (a WASI command); returns the exit code (``proc_exit(n)`` is ``n``)."""
        code = ctypes.c_int32()
        check(lib.wasmpool_instance_run(self.ptr, ctypes.byref(code)))
        return code.value


def _vals(kinds: Sequence[ValKind], args: Sequence[Value], name: str) -> Any:
    if len(args) != len(kinds):
        raise TypeError(f"{name} takes {len(kinds)} arguments, {len(args)} given")
    arr = (_ffi.wasmpool_val_t * max(len(kinds), 1))()
    for i, (k, v) in enumerate(zip(kinds, args)):
        _write(arr[i], k, v)
    return arr


def _results(arr: Any, n: int) -> Any:
    if n == 0:
        return None
    if n == 1:
        return _read(arr[0])
    return tuple(_read(arr[i]) for i in range(n))


class Func:
    """An exported function of an Instance; call it like a Python function. Arguments and
    results are Python numbers (16 bytes for v128); several results come back as a tuple."""

    def __init__(self, instance: Instance | None, ptr: int, ty: ExternInfo, store: Store | None = None) -> None:
        self.instance = instance
        self.type = ty
        self._store = instance.store if instance is not None else store
        self._ptr = ptr
        self._n = len(ty.params)
        self._nres = len(ty.results)
        self._fields = [_field(k) for k in ty.params]
        self._args = (_ffi.wasmpool_val_t * max(self._n, 1))()
        for i, k in enumerate(ty.params):
            self._args[i].kind = k
        self._res = (_ffi.wasmpool_val_t * max(self._nres, 1))()
        # One scalar result is read straight from its union member.
        self._res1 = _FIELD.get(ty.results[0]) if self._nres == 1 and ty.results[0] != ValKind.V128 else None
        self._argp = self._args if self._n else None
        self._resp = self._res if self._nres else None

    @classmethod
    def of_store(cls, store: Store, ptr: int, ty: ExternInfo) -> Func:
        """A function of ``store`` that no Instance exported by name (a table element)."""
        return cls(None, ptr, ty, store)

    def __call__(self, *args: Value) -> Any:
        if self._store._ptr is None:  # type: ignore[union-attr]
            self._store.ptr  # type: ignore[union-attr]  # raises: the store is closed
        if len(args) != self._n:
            raise TypeError(f"{self.type.name} takes {self._n} arguments, {len(args)} given")
        for i, v in enumerate(args):
            f = self._fields[i]
            if f == "v128":
                _write(self._args[i], ValKind.V128, v)
            else:
                setattr(self._args[i].of, f, v)
        err = lib.wasmpool_func_call(self._ptr, self._argp, self._n, self._resp, self._nres)
        if err:
            fail(err)
        if self._nres == 0:
            return None
        if self._res1 is not None:
            return getattr(self._res[0].of, self._res1)
        return _results(self._res, self._nres)


@dataclass
class StoreLimits:
    """Per-store limits (``wasmpool_store_limits_t``); ``None`` fields are unlimited."""

    memory_size: int | None = None
    table_elements: int | None = None
    instances: int | None = None
    tables: int | None = None
    memories: int | None = None


_LIMIT_FIELDS = ("memory_size", "table_elements", "instances", "tables", "memories")


class Store(Handle):
    """Where instances live: their memory, limits, fuel, deadline, WASI state. Used by one
    thread at a time. Closing it releases its instances' slots back to the pool."""

    _delete = lib.wasmpool_store_delete

    def __init__(self, engine: Engine, wasi: Any = None, data: Any = None) -> None:
        out = ctypes.c_void_p()
        if data is None:
            check(lib.wasmpool_store_new(engine.ptr, ctypes.byref(out)))
        else:
            # Held by wasmpool until the store is deleted (its finalizer drops it), so host
            # functions read it through Caller.data whatever the Python side keeps.
            key = register_host(data)
            err = lib.wasmpool_store_new_with_data(engine.ptr, key, host_finalizer, ctypes.byref(out))
            if err:
                host_finalizer(key)
                check(err)
        self.engine = engine
        self._set(out.value)
        if wasi is not None:
            self.set_wasi(wasi)

    @property
    def data(self) -> Any:
        """The ``data`` given to the constructor, or None."""
        return host_object(lib.wasmpool_store_data(self.ptr))

    def instantiate(self, module: Module) -> Instance:
        """Instantiate a module without imports."""
        out = ctypes.c_void_p()
        check(lib.wasmpool_instantiate(self.ptr, module.ptr, ctypes.byref(out)))
        return Instance(self, out.value, module)  # type: ignore[arg-type]

    @property
    def limits(self) -> StoreLimits:
        out = _ffi.wasmpool_store_limits_t()
        check(lib.wasmpool_store_limits_get(self.ptr, ctypes.byref(out)))
        unlimited = lib.wasmpool_store_limits_unlimited()
        return StoreLimits(
            **{f: (None if getattr(out, f) == getattr(unlimited, f) else getattr(out, f)) for f in _LIMIT_FIELDS}
        )

    @limits.setter
    def limits(self, value: StoreLimits) -> None:
        c = lib.wasmpool_store_limits_unlimited()
        for f in _LIMIT_FIELDS:
            v = getattr(value, f)
            if v is not None:
                setattr(c, f, v)
        check(lib.wasmpool_store_limits_set(self.ptr, ctypes.byref(c)))

    @property
    def memory_consumed(self) -> int:
        """Bytes of linear memory and table elements the store's instances hold."""
        return int(lib.wasmpool_store_memory_consumed(self.ptr))

    @property
    def fuel(self) -> int:
        out = ctypes.c_uint64()
        check(lib.wasmpool_store_fuel_get(self.ptr, ctypes.byref(out)))
        return out.value

    @fuel.setter
    def fuel(self, value: int) -> None:
        check(lib.wasmpool_store_fuel_set(self.ptr, value))

    def set_epoch_deadline(self, ticks: int) -> None:
        """Interrupt guests ``ticks`` epoch increments from now (needs epoch_interruption)."""
        check(lib.wasmpool_store_epoch_deadline_set(self.ptr, ticks))

    def set_deadline_ms(self, ms: int) -> None:
        """Interrupt guests after about ``ms`` milliseconds (needs the engine's epoch ticker)."""
        check(lib.wasmpool_store_deadline_ms_set(self.ptr, ms))

    def set_epoch_deadline_callback(self, fn: Callable[[Any], int | None] | None) -> None:
        """Let ``fn(store_data)`` decide when the epoch deadline passes: return N to extend it by
        N ticks, None to interrupt the guest (``Interrupted``), or raise to trap it with the
        exception's message. ``None`` removes the callback. See ``wasmpool._epoch``."""
        from ._epoch import set_callback

        set_callback(self, fn)

    def set_wasi(self, config: Any) -> None:
        """Give the store's guests WASI, configured by a ``WasiConfig`` (copied)."""
        check(lib.wasmpool_store_wasi_set(self.ptr, config.ptr))

    def _captured(self, fn: Callable[..., int]) -> bytes:
        data, n = ctypes.c_void_p(), ctypes.c_size_t()
        check(fn(self.ptr, ctypes.byref(data), ctypes.byref(n)))
        return ctypes.string_at(data.value or 0, n.value) if n.value else b""

    @property
    def stdout(self) -> bytes:
        """What the guests wrote to stdout (captured with ``WasiConfig.capture_stdout``)."""
        return self._captured(lib.wasmpool_store_wasi_stdout)

    @property
    def stderr(self) -> bytes:
        """What the guests wrote to stderr (captured with ``WasiConfig.capture_stderr``)."""
        return self._captured(lib.wasmpool_store_wasi_stderr)

    def _dropped(self, fn: Callable[..., int]) -> int:
        out = ctypes.c_uint64()
        check(fn(self.ptr, ctypes.byref(out)))
        return out.value

    @property
    def stdout_dropped(self) -> int:
        """Bytes of stdout dropped beyond the capture's limit."""
        return self._dropped(lib.wasmpool_store_wasi_stdout_dropped)

    @property
    def stderr_dropped(self) -> int:
        """Bytes of stderr dropped beyond the capture's limit."""
        return self._dropped(lib.wasmpool_store_wasi_stderr_dropped)
