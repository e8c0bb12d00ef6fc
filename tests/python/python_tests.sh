#!/usr/bin/env bash
# The Python binding's tests (registered by tests/python/CMakeLists.txt, which sets the
# environment below).
#
#   python_tests.sh setup   make a fresh venv at $WASMPOOL_PY_VENV: pytest, then the package
#   python_tests.sh test    run pytest on the package's tests with that venv
#
# Exit 77 (ctest's skip code for these tests) with the reason when the venv cannot be made.
# Environment: WASMPOOL_PYTHON (python3), WASMPOOL_PY_VENV, WASMPOOL_PY_SOURCE (bindings/python),
# WASMPOOL_LIBRARY (the staged libwasmpool.so.0), WASMPOOL_PY_STAGE_PKGCONFIG,
# WASMPOOL_GUESTS_DIR, WASMPOOL_GUESTS_MISSING.
set -euo pipefail

venv="$WASMPOOL_PY_VENV"
reason_file="$venv.skip"

skip() {
  echo "SKIP: $*"
  mkdir -p "$(dirname "$reason_file")"
  echo "$*" >"$reason_file"
  exit 77
}

case "${1:-}" in
  setup)
    rm -rf "$venv" "$reason_file" "$venv-src"
    python="${WASMPOOL_PYTHON:-}"
    [[ -n $python && -x $python ]] || skip "python3 was not found when the build was configured"
    log="$venv.log"
    "$python" -m venv "$venv" >"$log" 2>&1 ||
      skip "cannot create a virtual environment with $python (Debian: apt-get install python3-venv): $(tail -n 1 "$log")"
    pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
    "${pip[@]}" install pytest setuptools wheel >"$log" 2>&1 ||
      skip "pip cannot install pytest, setuptools and wheel into the venv (no network?): $(tail -n 1 "$log")"
    # Build the package from a copy: setuptools writes build/ and *.egg-info next to the sources.
    cp -R "$WASMPOOL_PY_SOURCE" "$venv-src"
    rm -rf "$venv-src/build" "$venv-src"/src/*.egg-info
    "${pip[@]}" install --no-build-isolation "$venv-src" >"$log" 2>&1 || {
      cat "$log"
      echo "pip install of bindings/python failed"
      exit 1
    }
    "$venv/bin/python" -c 'import wasmpool, sys; print("wasmpool", wasmpool.__version__, "in", sys.prefix, "loads", wasmpool._lib.lib._name)'
    ;;
  test)
    if [[ -f $reason_file ]]; then
      echo "SKIP: the venv could not be made: $(cat "$reason_file")"
      exit 77
    fi
    # Run from the tests' own directory, against the installed package (not the sources), and
    # write no bytecode caches into the source tree.
    export PYTHONDONTWRITEBYTECODE=1
    cd "$WASMPOOL_PY_SOURCE/tests"
    exec "$venv/bin/python" -m pytest -p no:cacheprovider -v .
    ;;
  *)
    echo "usage: $0 setup|test" >&2
    exit 2
    ;;
esac
