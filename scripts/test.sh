#!/usr/bin/env bash
# Build wasmpool with CMake (which runs cargo) and run every test with ctest:
# cargo test, the staged install, the C tests, the examples and the pkg-config build.
#
#   bash scripts/test.sh [ctest args...]     e.g. bash scripts/test.sh -L c -j4
#
# Environment: WASMPOOL_BUILD_DIR (default <repo>/build), WASMPOOL_CARGO_FEATURES,
# CMAKE_GENERATOR / CMAKE_BUILD_PARALLEL_LEVEL as usual for CMake.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WASMPOOL_BUILD_DIR:-$root/build}"

configure=(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWASMPOOL_BUILD_TESTS=ON
           -DBUILD_TESTING=ON)
if [[ -n "${WASMPOOL_CARGO_FEATURES+x}" ]]; then
  configure+=("-DWASMPOOL_CARGO_FEATURES=${WASMPOOL_CARGO_FEATURES}")
fi

set -x
"${configure[@]}"
cmake --build "$build" --parallel
ctest --test-dir "$build" --output-on-failure "$@"

# Then the C tests and examples again under ASan + UBSan and under valgrind
# memcheck (skip with WASMPOOL_SKIP_SANITIZE=1, e.g. while iterating).
if [[ -z "${WASMPOOL_SKIP_SANITIZE:-}" ]]; then
  bash "$root/scripts/sanitize.sh"
fi
