#!/usr/bin/env bash
# check_package.sh BUILD_DIR SOURCE_DIR WORK_DIR VERSION SONAME LIBDIR INCLUDEDIR
#
# The packages of cmake/Packaging.cmake, as a user gets them (ctest label `package`):
#   1. cpack in the build tree (BUILD_DIR/CPackConfig.cmake) makes the .deb and the .tar.gz in
#      WORK_DIR/packages (the build is up to date: nothing is compiled again);
#   2. the .deb's control fields (Package, Version, Architecture, Depends with libc6 from
#      dpkg-shlibdeps, the shlibs file) and its contents (the library under its SONAME with its
#      symlinks, the headers, the CMake package, wasmpool.pc, wasmpool-run);
#   3. `dpkg -x` into a scratch root, then, against that root only: readelf's SONAME,
#      wasmpool-run --help, examples-c built with CMake (CMAKE_PREFIX_PATH=<root>/usr) and its
#      hello (C) and hello_cpp (C++, -fno-exceptions) run, examples-c/hello.c built with
#      pkg-config (PKG_CONFIG_PATH into the root, prefix overridden) and run;
#   4. the .tar.gz holds the same files and symlinks as the .deb, below one top directory.
# Exits 77 (ctest's skip code for this test) when the dpkg tools are missing, saying which.
#
# Environment: CMAKE, CPACK (default: from PATH), PKG_CONFIG, WASMPOOL_PACKAGE_CC and
# WASMPOOL_PACKAGE_CXX (the compilers of the builds against the root; not CC and CXX: cpack runs
# the tree's cargo build, and build scripts that read CC/CXX would make cargo rebuild), and
# WASMPOOL_PACKAGE_GENERATOR (the CMake generator of those builds).
set -euo pipefail

build=$1 src=$2 work=$3 version=$4 soname=$5 libdir=$6 includedir=$7
CMAKE=${CMAKE:-cmake}
CPACK=${CPACK:-cpack}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CC=${WASMPOOL_PACKAGE_CC:-cc}
CXX=${WASMPOOL_PACKAGE_CXX:-}
GENERATOR=${WASMPOOL_PACKAGE_GENERATOR:-}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
run() { echo "+ $*"; "$@"; }

missing=()
for tool in dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "SKIPPED: ${missing[*]} not found (Debian: apt-get install dpkg-dev); the .deb cannot be built or checked"
  exit 77
fi
command -v "$PKG_CONFIG" >/dev/null 2>&1 || fail "pkg-config ($PKG_CONFIG) not found"

rm -rf "$work"
mkdir -p "$work"
packages=$work/packages

# --- 1. cpack ------------------------------------------------------------------------------------
run "$CPACK" --config "$build/CPackConfig.cmake" -B "$packages"
arch=$(dpkg --print-architecture)
deb=$packages/wasmpool_${version}_${arch}.deb
[[ -f $deb ]] || fail "no $deb (made: $(ls "$packages"))"
tgz=$(find "$packages" -maxdepth 1 -name "wasmpool-${version}-*.tar.gz" -print)
[[ -n $tgz && -f $tgz ]] || fail "no wasmpool-${version}-*.tar.gz in $packages"
ok "$(basename "$deb"), $(basename "$tgz")"

# --- 2. the .deb: control fields and contents ----------------------------------------------------
echo "--- dpkg-deb -I"
dpkg-deb -I "$deb"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == wasmpool ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), expected $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture), expected $arch"
depends=$(field Depends)
[[ $depends =~ (^|, )libc6( \(|,|$) ]] || fail "Depends lacks libc6: $depends"
# Computed, not hand-written: dpkg-shlibdeps puts a minimum version on libc6.
[[ $depends =~ libc6\ \(\>=\ [0-9] ]] || fail "Depends has libc6 without the version dpkg-shlibdeps computes: $depends"
[[ -n $(field Maintainer) && -n $(field Description) && -n $(field Section) ]] ||
  fail "Maintainer, Description or Section is empty"
ok "Package wasmpool, Version $version, Architecture $arch, Depends: $depends"
shlibs=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./shlibs)
[[ $shlibs == "libwasmpool ${soname##*.so.} wasmpool (>= $version)" ]] || fail "shlibs: $shlibs"
ok "shlibs: $shlibs"

echo "--- dpkg-deb -c"
dpkg-deb -c "$deb" | tee "$work/deb-listing.txt"
lib=usr/$libdir real=libwasmpool.so.$version
listed() { # listed PATH [-> TARGET] in a `tar -tv` listing on stdin
  local want="./$1"
  [[ $# -eq 3 ]] && want="./$1 -> $3"
  awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' | grep -qxF "$want"
}
check_deb() { listed "$@" <"$work/deb-listing.txt" || fail ".deb lacks $*"; }
check_deb "$lib/$real"
grep -E "^-[^ ]+ .* \./$lib/$real\$" "$work/deb-listing.txt" >/dev/null || fail "$lib/$real is not a regular file"
check_deb "$lib/$soname" "->" "$real"
check_deb "$lib/libwasmpool.so" "->" "$soname"
check_deb "$lib/libwasmpool.a"
for h in "$src"/include/wasmpool.h "$src"/include/wasmpool*.hh; do
  check_deb "usr/$includedir/$(basename "$h")"
done
check_deb "$lib/pkgconfig/wasmpool.pc"
for f in wasmpoolConfig.cmake wasmpoolConfigVersion.cmake wasmpoolTargets.cmake; do
  check_deb "$lib/cmake/wasmpool/$f"
done
check_deb usr/bin/wasmpool-run
ok "the .deb holds $real, $soname -> $real, libwasmpool.so -> $soname, the headers, wasmpool.pc, the CMake package, wasmpool-run"

# --- 3. a scratch root ---------------------------------------------------------------------------
root=$work/root
run dpkg -x "$deb" "$root"
readelf -d "$root/$lib/$real" | grep -F "(SONAME)" | grep -qF "[$soname]" ||
  fail "$root/$lib/$real has no SONAME $soname"
ok "SONAME $soname"
"$root/usr/bin/wasmpool-run" --help | head -n 1 | grep -q '^usage: wasmpool-run' ||
  fail "wasmpool-run from the root does not run"
ok "wasmpool-run runs from the root (rpath \$ORIGIN)"

# CMake: examples-c against the root alone (shared only), then its C and C++ hello.
examples=$work/examples
configure=("$CMAKE" -S "$src/examples-c" -B "$examples" -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_PREFIX_PATH=$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF "-DWASMPOOL_EXPECTED_PREFIX=$root/usr"
  -DWASMPOOL_EXAMPLES_STATIC=OFF "-DCMAKE_C_COMPILER=$CC")
[[ -n $CXX ]] && configure+=("-DCMAKE_CXX_COMPILER=$CXX")
[[ -n $GENERATOR ]] && configure+=(-G "$GENERATOR")
run "${configure[@]}"
run "$CMAKE" --build "$examples" --target hello hello_cpp --parallel 2
for exe in hello hello_cpp; do
  resolved=$(ldd "$examples/$exe" | awk '$1 == "'"$soname"'" { print $3 }')
  [[ $resolved == "$root/$lib/$soname" ]] || fail "$exe loads $soname from '$resolved', not from the root"
  run "$examples/$exe"
done
ok "CMake build against the root: hello and hello_cpp run, libwasmpool from the root"

# pkg-config: the installed .pc names /usr (right for the .deb installed for real); the root
# build overrides the prefix.
export PKG_CONFIG_PATH=$root/$lib/pkgconfig PKG_CONFIG_LIBDIR=$root/$lib/pkgconfig
[[ $("$PKG_CONFIG" --variable=prefix wasmpool) == /usr ]] ||
  fail "wasmpool.pc: prefix $("$PKG_CONFIG" --variable=prefix wasmpool), expected /usr"
[[ $("$PKG_CONFIG" --variable=libdir wasmpool) == "/usr/$libdir" ]] ||
  fail "wasmpool.pc: libdir $("$PKG_CONFIG" --variable=libdir wasmpool), expected /usr/$libdir"
[[ $("$PKG_CONFIG" --modversion wasmpool) == "$version" ]] || fail "pkg-config --modversion"
pc=("$PKG_CONFIG" "--define-variable=prefix=$root/usr")
cflags=$("${pc[@]}" --cflags wasmpool)
libs=$("${pc[@]}" --libs wasmpool)
pc_libdir=$("${pc[@]}" --variable=libdir wasmpool)
[[ $pc_libdir == "$root/$lib" ]] || fail "libdir with the prefix overridden: $pc_libdir"
mkdir -p "$work/pkgconfig"
# shellcheck disable=SC2086 # pkg-config output is split into words on purpose
run "$CC" -Wall -Wextra -Werror -o "$work/pkgconfig/hello" "$src/examples-c/hello.c" $cflags $libs \
  "-Wl,-rpath,$pc_libdir"
run "$work/pkgconfig/hello"
ok "pkg-config build against the root: hello runs ($cflags $libs)"

# --- 4. the .tar.gz: the same files ---------------------------------------------------------------
echo "--- tar -tzvf $(basename "$tgz")"
tar -tzvf "$tgz" | tee "$work/tgz-listing.txt"
top=$(tar -tzf "$tgz" | cut -d/ -f1 | sort -u)
[[ $(wc -l <<<"$top") -eq 1 ]] || fail "the tarball has more than one top directory: $top"
# Files and symlinks (not directories), as "path" or "path -> target", top directory removed.
entries() { # entries PREFIX_REGEX <listing
  awk '$1 !~ /^d/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' | sed -E "s,^$1,," | sort
}
entries '\./' <"$work/deb-listing.txt" >"$work/deb-entries.txt"
entries "$top/" <"$work/tgz-listing.txt" >"$work/tgz-entries.txt"
if ! diff -u "$work/deb-entries.txt" "$work/tgz-entries.txt"; then
  fail "the .tar.gz and the .deb hold different files (diff above: - .deb, + .tar.gz)"
fi
ok "the .tar.gz holds the same $(wc -l <"$work/tgz-entries.txt") files and symlinks as the .deb, below $top/"
echo "package: ok"
