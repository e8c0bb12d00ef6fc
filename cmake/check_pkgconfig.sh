#!/bin/sh
# check_pkgconfig.sh PKG_CONFIG_DIR SOURCE.c OUT_DIR EXPECTED_VERSION
# Builds SOURCE.c the way a Makefile user would, from `pkg-config wasmpool` alone, and runs it:
#   1. shared:  cc SOURCE.c $(pkg-config --cflags --libs wasmpool) -Wl,-rpath,<libdir>
#   2. static:  cc SOURCE.c $(pkg-config --cflags wasmpool) <libdir>/libwasmpool.a <Libs.private>
set -eu
pcdir=$1 src=$2 out=$3 want_version=$4
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_PATH

run() { echo "+ $*"; "$@"; }

version=$("$PKG_CONFIG" --modversion wasmpool)
echo "pkg-config --modversion wasmpool: $version"
if [ "$version" != "$want_version" ]; then
  echo "FAIL: version $version, expected $want_version" >&2
  exit 1
fi
cflags=$("$PKG_CONFIG" --cflags wasmpool)
libs=$("$PKG_CONFIG" --libs wasmpool)
libdir=$("$PKG_CONFIG" --variable=libdir wasmpool)
echo "cflags: $cflags"
echo "libs:   $libs"
case " $libs " in
  *" -lwasmpool "*) ;;
  *) echo "FAIL: --libs lacks -lwasmpool" >&2; exit 1 ;;
esac

rm -rf "$out"
mkdir -p "$out"
name=$(basename "$src" .c)

# shellcheck disable=SC2086 # word splitting of pkg-config output is intended
run "$CC" -Wall -Wextra -Werror -o "$out/${name}_pc" "$src" $cflags $libs "-Wl,-rpath,$libdir"
run "$out/${name}_pc"

private=$("$PKG_CONFIG" --static --libs-only-l wasmpool | sed 's/-lwasmpool//g')
# shellcheck disable=SC2086
run "$CC" -Wall -Wextra -Werror -o "$out/${name}_pc_static" "$src" $cflags "$libdir/libwasmpool.a" $private
if command -v readelf >/dev/null 2>&1 && readelf -d "$out/${name}_pc_static" | grep -q 'libwasmpool'; then
  echo "FAIL: ${name}_pc_static still needs libwasmpool.so" >&2
  exit 1
fi
run "$out/${name}_pc_static"
echo "pkg-config build: ok"
