#!/usr/bin/env bash
# Build wasmpool in Release, install it to PREFIX, then build the examples in examples-c/
# against that install (find_package only) and run every one of them.
#
#   bash scripts/install.sh [PREFIX]        PREFIX defaults to $PREFIX, else <repo>/_install
#
# Environment: PREFIX, WASMPOOL_BUILD_DIR (default <repo>/build/_release),
# WASMPOOL_CARGO_FEATURES, CMAKE_GENERATOR as usual for CMake.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${1:-${PREFIX:-$root/_install}}"
# A relative PREFIX is relative to the caller's working directory.
case "$prefix" in
  /*) ;;
  *) prefix="$PWD/$prefix" ;;
esac
build="${WASMPOOL_BUILD_DIR:-$root/build/_release}"
examples_build="$build/_examples"

configure=(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
           -DWASMPOOL_BUILD_TESTS=OFF -DBUILD_TESTING=OFF "-DCMAKE_INSTALL_PREFIX=$prefix")
if [[ -n "${WASMPOOL_CARGO_FEATURES+x}" ]]; then
  configure+=("-DWASMPOOL_CARGO_FEATURES=${WASMPOOL_CARGO_FEATURES}")
fi

set -x
"${configure[@]}"
cmake --build "$build" --parallel
cmake --install "$build" --prefix "$prefix"

# The examples see only the installed package.
cmake --fresh -S "$root/examples-c" -B "$examples_build" -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_PREFIX_PATH=$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF "-DWASMPOOL_EXPECTED_PREFIX=$prefix"
cmake --build "$examples_build" --parallel
set +x

failed=0
ran=0
for src in "$root"/examples-c/*.c "$root"/examples-c/*.cpp; do
  name="$(basename "${src%.*}")"
  for exe in "$examples_build/$name" "$examples_build/${name}_static"; do
    [[ -x "$exe" ]] || continue
    ran=$((ran + 1))
    echo "== running $(basename "$exe")"
    if ! "$exe"; then
      echo "FAILED: $(basename "$exe")" >&2
      failed=$((failed + 1))
    fi
  done
done
if [[ $ran -eq 0 ]]; then
  echo "no example was built" >&2
  exit 1
fi
if [[ $failed -ne 0 ]]; then
  echo "$failed of $ran example(s) failed" >&2
  exit 1
fi
echo "wasmpool installed to $prefix; $ran example(s) ran fine"
