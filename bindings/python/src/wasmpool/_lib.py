"""Loading libwasmpool.so.0 and turning its error objects into exceptions.

The library is looked up, in this order, at:

1. the file named by the environment variable ``WASMPOOL_LIBRARY``;
2. a ``libwasmpool.so.0`` bundled in this package's directory (a wheel that carries it);
3. ``$(pkg-config --variable=libdir wasmpool)/libwasmpool.so.0``;
4. the system loader (``ld.so`` search path: ``LD_LIBRARY_PATH``, ``ldconfig``'s cache).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

from . import _ffi

SONAME = "libwasmpool.so.0"


def _pkg_config_libdir() -> str | None:
    exe = shutil.which("pkg-config")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--variable=libdir", "wasmpool"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def candidates() -> list[str]:
    """The places tried, in order (the last one a bare name for the system loader)."""
    found: list[str] = []
    env = os.environ.get("WASMPOOL_LIBRARY")
    if env:
        found.append(env)
    bundled = Path(__file__).with_name(SONAME)
    if bundled.exists():
        found.append(str(bundled))
    libdir = _pkg_config_libdir()
    if libdir and (Path(libdir) / SONAME).exists():
        found.append(str(Path(libdir) / SONAME))
    found.append(SONAME)
    return found


def load() -> ctypes.CDLL:
    """Load the library from the first candidate that loads and bind every declaration.

    ``WASMPOOL_LIBRARY``, when set, must load: a wrong path there is an error, not a fallback.
    """
    errors = []
    for i, path in enumerate(candidates()):
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            if i == 0 and os.environ.get("WASMPOOL_LIBRARY"):
                raise OSError(f"WASMPOOL_LIBRARY={path} does not load: {e}") from e
            errors.append(f"{path}: {e}")
            continue
        _ffi.bind(lib)
        return lib
    raise OSError("libwasmpool.so.0 not found; tried " + "; ".join(errors))


lib = load()
