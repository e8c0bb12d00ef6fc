"""Where the library is loaded from: WASMPOOL_LIBRARY, then the bundled copy, pkg-config, ld.so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = "import wasmpool, os; print(os.path.realpath(wasmpool._lib.lib._name))"


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)


def test_environment_variable_wins() -> None:
    lib = os.environ.get("WASMPOOL_LIBRARY")
    if not lib:
        pytest.skip("WASMPOOL_LIBRARY is not set (ctest sets it to the staged install)")
    out = _run(dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == os.path.realpath(lib)


def test_a_wrong_environment_variable_is_an_error() -> None:
    out = _run({**os.environ, "WASMPOOL_LIBRARY": "/nonexistent/libwasmpool.so.0"})
    assert out.returncode != 0 and "WASMPOOL_LIBRARY=/nonexistent/libwasmpool.so.0 does not load" in out.stderr


def test_pkg_config_is_used_without_the_variable() -> None:
    pc = os.environ.get("WASMPOOL_PY_STAGE_PKGCONFIG")
    if not pc or not Path(pc, "wasmpool.pc").exists():
        pytest.skip("WASMPOOL_PY_STAGE_PKGCONFIG (the staged install's pkgconfig dir) is not set")
    env = {k: v for k, v in os.environ.items() if k not in ("WASMPOOL_LIBRARY", "LD_LIBRARY_PATH")}
    env["PKG_CONFIG_PATH"] = pc
    out = _run(env)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent == Path(pc).parent.resolve()


def test_bundled_library_is_used_before_pkg_config(tmp_path: Path) -> None:
    lib = os.environ.get("WASMPOOL_LIBRARY")
    if not lib:
        pytest.skip("WASMPOOL_LIBRARY is not set (ctest sets it to the staged install)")
    import shutil

    import wasmpool

    pkg = tmp_path / "wasmpool"
    shutil.copytree(Path(wasmpool.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(lib, pkg / "libwasmpool.so.0")
    env = {k: v for k, v in os.environ.items() if k not in ("WASMPOOL_LIBRARY", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(tmp_path)
    env["PKG_CONFIG_PATH"] = str(tmp_path / "nothing")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str((pkg / "libwasmpool.so.0").resolve())
