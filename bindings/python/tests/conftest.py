"""Shared fixtures: the test guests built by the CMake build (WASMPOOL_GUESTS_DIR, set by ctest)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import wasmpool


def guest(relative: str) -> Path:
    """A built test guest; a missing one fails the test saying why (as the C tests do)."""
    base = os.environ.get("WASMPOOL_GUESTS_DIR", "")
    path = Path(base) / relative
    if not base or not path.exists():
        why = os.environ.get("WASMPOOL_GUESTS_MISSING") or "the build did not make it"
        pytest.fail(f"test guest {path} is missing ({why})")
    return path


@pytest.fixture
def engine() -> wasmpool.Engine:
    cfg = wasmpool.Config(
        total_core_instances=8, total_memories=8, total_tables=8, total_stacks=8,
        total_component_instances=8, memory_reservation=16 << 20, max_memory_size=16 << 20,
    )
    with cfg, wasmpool.Engine(cfg) as e:
        yield e
