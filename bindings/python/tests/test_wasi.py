"""WASI through the binding: preview 1 modules and preview 2 components, stdio captured as bytes."""

from __future__ import annotations

import pytest

import wasmpool

from conftest import guest


def _wasi(argv: list[str], stdin: bytes = b"") -> wasmpool.WasiConfig:
    return (
        wasmpool.WasiConfig()
        .args(argv)
        .env("WASMPOOL_GREETING", "hi")
        .stdin_bytes(stdin)
        .capture_stdout()
        .capture_stderr()
    )


def test_preview1_module_stdio(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module.from_file(engine, guest("wasip1/stdio.wasm"))
    linker = wasmpool.Linker(engine)
    linker.define_wasi()
    pre = linker.instantiate_pre(module)
    with _wasi(["stdio", "a b"], b"piped") as cfg, wasmpool.Store(engine, wasi=cfg) as store:
        assert pre.instantiate(store).run() == 0
        out = store.stdout
        assert isinstance(out, bytes)
        assert b"argc=2\nargv[0]=stdio\nargv[1]=a b\n" in out
        assert b"env WASMPOOL_GREETING=hi\n" in out
        assert b"stdin=piped\nstdin_len=5\n" in out
        assert store.stderr == b"to stderr: 2 args\n"
        assert store.stdout_dropped == 0


def test_preview1_exit_code_and_capture_limit(engine: wasmpool.Engine) -> None:
    module = wasmpool.Module.from_file(engine, guest("wasip1/exit3.wasm"))
    linker = wasmpool.Linker(engine)
    linker.define_wasi()
    cfg = wasmpool.WasiConfig().capture_stdout(4)
    with wasmpool.Store(engine, wasi=cfg) as store:
        assert linker.instantiate_pre(module).instantiate(store).run() == 3
        assert store.stdout == b"exit"
        assert store.stdout_dropped == len(b"exiting with 3\n") - 4
        with pytest.raises(wasmpool.InvalidArgument):
            store.stderr  # not captured


def test_preview2_component_stdio(engine: wasmpool.Engine, tmp_path) -> None:
    component = wasmpool.Component.from_file(engine, guest("wasip2/stdio.wasm"))
    linker = wasmpool.ComponentLinker(engine)
    linker.define_wasi()
    pre = linker.instantiate_pre(component)
    for i in range(3):  # a fresh pooled instance per run, output kept apart
        cfg = _wasi(["stdio", str(i)], b"x" * i)
        with wasmpool.Store(engine, wasi=cfg) as store:
            assert pre.instantiate(store).run() == 0
            assert f"argv[1]={i}\n".encode() in store.stdout
            assert f"stdin_len={i}\n".encode() in store.stdout
    files = wasmpool.Component.from_file(engine, guest("wasip2/hello.wasm"))
    with wasmpool.Store(engine, wasi=wasmpool.WasiConfig().capture_stdout()) as store:
        assert linker.instantiate_pre(files).instantiate(store).run() == 0
        assert store.stdout.startswith(b"hello from")


def test_wasi_config_errors(tmp_path) -> None:
    cfg = wasmpool.WasiConfig()
    with pytest.raises(wasmpool.IoError):
        cfg.preopen_dir(tmp_path / "missing", "/data")
    cfg.preopen_dir(tmp_path, "/data", wasmpool.WasiPerms.READ_WRITE)
    cfg.inherit_env().allow_network()
