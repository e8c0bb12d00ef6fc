#!/usr/bin/env bash
# Build wasmpool with CMake (which runs cargo) and run every test with ctest:
# cargo test and clippy, the staged install, the C tests, the examples and the pkg-config build.
#
#   bash scripts/test.sh [ctest args...]     e.g. bash scripts/test.sh -L pool -j2
#
# Labels (ctest -L <regex>): cargo, install, example, sanitize, guests, c (every C test) and one
# per C test family, the folders of tests/c (core, pool, config, reliability, header, component,
# ...). ctest adds the fixture tests a selection needs (the staged install, the build of the C
# tests, the JavaScript and Python guests).
#
# The build also builds the test guests (tests/guests, cmake/WasmpoolGuests.cmake): it needs
# clang for wasm32 with wasi-libc, wasm-tools and wit-bindgen (.ci/run installs them); the
# JavaScript and Python guests need node/npm and python3 with venv, and the network once (set
# WASMPOOL_GUESTS_SKIP_TOOLCHAINS=1 to skip them: the tests then say they are skipped).
#
# Then the C tests and examples again under ASan + UBSan and valgrind (scripts/sanitize.sh), in
# build trees of their own that share this tree's Cargo target directory. Skipped when the ctest
# arguments select tests (-L, -R, -E, ...: the selection is not the whole suite) or with
# WASMPOOL_SKIP_SANITIZE=1, e.g. while iterating.
#
# Environment: WASMPOOL_BUILD_DIR (default <repo>/build), WASMPOOL_BUILD_TYPE (default Release;
# Debug builds the library with cargo's dev profile; give it its own WASMPOOL_BUILD_DIR),
# WASMPOOL_CARGO_FEATURES, CMAKE_GENERATOR / CMAKE_BUILD_PARALLEL_LEVEL as usual for CMake.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WASMPOOL_BUILD_DIR:-$root/build}"
build_type="${WASMPOOL_BUILD_TYPE:-Release}"

configure=(cmake -S "$root" -B "$build" "-DCMAKE_BUILD_TYPE=$build_type" -DWASMPOOL_BUILD_TESTS=ON
           -DBUILD_TESTING=ON)
if [[ -n "${WASMPOOL_CARGO_FEATURES+x}" ]]; then
  configure+=("-DWASMPOOL_CARGO_FEATURES=${WASMPOOL_CARGO_FEATURES}")
fi

selection=""
parallel=()
# ctest runs as many tests at once as there are CPUs unless told otherwise (-j N,
# CTEST_PARALLEL_LEVEL); tests that must not overlap hold a RESOURCE_LOCK.
if [[ -z ${CTEST_PARALLEL_LEVEL:-} ]]; then parallel=(-j "$(nproc 2>/dev/null || echo 2)"); fi
for arg in "$@"; do
  case "$arg" in
    -j*|--parallel*) parallel=() ;;
  esac
  case "$arg" in
    -L|-LE|-R|-E|-I|--label-regex*|--label-exclude*|--tests-regex*|--exclude-regex*|--tests-information*)
      selection="$arg" ;;
  esac
done

set -x
"${configure[@]}"
cmake --build "$build" --parallel
ctest --test-dir "$build" --output-on-failure "${parallel[@]}" "$@"
set +x

if [[ -n "${WASMPOOL_SKIP_SANITIZE:-}" ]]; then
  exit 0
fi
if [[ -n $selection ]]; then
  echo "test.sh: ctest selection ($selection): the sanitizer run is skipped; run bash scripts/sanitize.sh for it"
  exit 0
fi
cargo_dir=$(sed -n 's/^WASMPOOL_CARGO_TARGET_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
guest_cache=$(sed -n 's/^WASMPOOL_GUEST_CACHE_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
WASMPOOL_SANITIZE_CARGO_TARGET_DIR="$cargo_dir" WASMPOOL_SANITIZE_GUEST_CACHE_DIR="$guest_cache" \
  bash "$root/scripts/sanitize.sh"
