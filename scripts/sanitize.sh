#!/usr/bin/env bash
# Runs the C tests, the C++ tests (tests/cpp) and the examples under the memory checkers, in two phases:
#
#  1. AddressSanitizer + UBSan (+ LeakSanitizer): configures its own build tree with
#     -DWASMPOOL_SANITIZE=ON (see cmake/WasmpoolSanitize.cmake for the flags and the ASAN_OPTIONS
#     that Wasmtime needs), builds, and runs with ctest every C test, every example (shared and
#     static) and the "sanitize" checks (runtime linked into every program, each sanitizer seen
#     to report a planted error).
#  2. valgrind memcheck: a second, uninstrumented build tree; every C test and example that
#     valgrind can run is run under
#       valgrind --leak-check=full --error-exitcode=1 (+ the options below)
#     and must finish with no error and nothing definitely (or possibly) lost. As many programs
#     run at once as there are CPUs (memcheck runs each program on one).
#
#   bash scripts/sanitize.sh [asan|valgrind]...     default: both phases
#
# Exits non-zero if anything failed; the last line is the summary ("sanitize: N passed, ...").
# Environment: WASMPOOL_SANITIZE_BUILD_DIR (default <repo>/build/_sanitize),
# WASMPOOL_VALGRIND_BUILD_DIR (default <repo>/build/_valgrind),
# WASMPOOL_SANITIZE_CARGO_TARGET_DIR (the Cargo target directory both trees share, default
# <sanitize build dir>/cargo: the Rust library is the same uninstrumented release build in both,
# so Wasmtime is compiled once; scripts/test.sh passes its own tree's),
# WASMPOOL_SANITIZE_GUEST_CACHE_DIR (the cache of the JavaScript and Python guest toolchains,
# tests/guests/toolchains.sh; default: each tree's own; scripts/test.sh passes its tree's, so
# nothing is installed twice), CMAKE_GENERATOR etc. as usual.
# Needs: what scripts/test.sh needs, plus valgrind; gcc (or clang with its compiler-rt package).
#
# The Rust library is not instrumented by ASan (the sanitizer runtime still owns malloc/free for
# the whole process, so the library's leaks and C-side misuse of its buffers are caught).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
asan_build="${WASMPOOL_SANITIZE_BUILD_DIR:-$root/build/_sanitize}"
vg_build="${WASMPOOL_VALGRIND_BUILD_DIR:-$root/build/_valgrind}"
cargo_dir="${WASMPOOL_SANITIZE_CARGO_TARGET_DIR:-$asan_build/cargo}"
guest_cache_args=()
if [[ -n ${WASMPOOL_SANITIZE_GUEST_CACHE_DIR:-} ]]; then
  guest_cache_args=("-DWASMPOOL_GUEST_CACHE_DIR=$WASMPOOL_SANITIZE_GUEST_CACHE_DIR")
fi

phases=("$@")
if [[ ${#phases[@]} -eq 0 ]]; then phases=(asan valgrind); fi
for p in "${phases[@]}"; do
  case "$p" in
    asan|valgrind) ;;
    *) echo "usage: $0 [asan|valgrind]..." >&2; exit 2 ;;
  esac
done
want() { local p; for p in "${phases[@]}"; do [[ $p == "$1" ]] && return 0; done; return 1; }

# Programs valgrind cannot run, with the reason. Valgrind 3.19's address-space manager gives
# the client well under 64 GiB of address space on amd64 (a single PROT_NONE reservation of
# 64 GiB already fails), while a pool with Wasmtime's default 4 GiB reservation per memory
# reserves (4 GiB + guard) per slot: the engine cannot be created under valgrind. These programs
# are covered by phase 1 (LeakSanitizer is part of ASan). Keep an entry per program name
# (examples: both <name> and <name>_static).
declare -A valgrind_skip=(
  [test_footprint]="builds engines with Wasmtime's default pool (1000 x 4 GiB ~ 4 TiB of address space)"
  [test_preset]="the server preset reserves 4 GiB per memory; under valgrind AUTO falls back and the test expects pooling"
  [test_jitdump]="Wasmtime's jitdump writer reads the vDSO (through rustix), which valgrind does not map: it crashes there"
  [pool_demo]="64 slots x 4 GiB of address space"
  [pool_demo_static]="64 slots x 4 GiB of address space"
  # Not an address-space limit: each NULL case runs in a forked child that _exits without
  # freeing its fixture on purpose, which memcheck (it checks every forked child at exit)
  # reports as lost memory; under valgrind it also takes minutes. ASan catches memory errors
  # in the children (an error aborts the child, the sweep counts it as failed).
  [test_null_sweep]="forked children leave their fixture on purpose (memcheck checks every child at exit)"
  # Not an address-space limit either: it compiles the 12 and 18 MB JavaScript and Python
  # components with Cranelift (15 s each natively, far more than the timeout under memcheck).
  [test_component_real]="compiles multi-megabyte JavaScript and Python components (minutes each under memcheck)"
  [test_http_js]="compiles the 12 MB componentize-js handler (minutes under memcheck)"
)

start=$(date +%s)
asan_passed=0 asan_failed=0 asan_status="not run"
vg_passed=0 vg_failed=0 vg_skipped=0 vg_status="not run"
failed_names=()

cmake_configure() { # BUILD_DIR SANITIZE
  cmake -S "$root" -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWASMPOOL_BUILD_TESTS=ON \
    -DBUILD_TESTING=ON "-DWASMPOOL_SANITIZE=$2" "-DWASMPOOL_CARGO_TARGET_DIR=$cargo_dir" \
    "${guest_cache_args[@]}"
  cmake --build "$1" --parallel
}

# --- phase 1: ASan + UBSan ---------------------------------------------------------------------
if want asan; then
  echo "== phase 1: AddressSanitizer + UBSan ($asan_build)"
  cmake_configure "$asan_build" ON
  log="$asan_build/sanitize-ctest.log"
  set +e
  # The fixtures (stage_install, c_tests_build, examples_build) are pulled in by ctest.
  ctest --test-dir "$asan_build" -L '^(c|cpp|example|sanitize)$' --output-on-failure \
    -j "$(nproc 2>/dev/null || echo 2)" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  if line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log"); then
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    asan_failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    asan_passed=$((total - asan_failed))
  fi
  if [[ $rc -ne 0 && $asan_failed -eq 0 ]]; then asan_failed=1; fi
  if [[ $rc -eq 0 ]]; then asan_status="ok"; else asan_status="FAILED"; failed_names+=("asan-phase"); fi
fi

# --- phase 2: valgrind memcheck ----------------------------------------------------------------
if want valgrind; then
  echo "== phase 2: valgrind memcheck ($vg_build)"
  if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind not found (Debian: apt-get install valgrind)" >&2
    exit 1
  fi
  cmake_configure "$vg_build" OFF
  # Stage the install and build the C tests and examples (uninstrumented).
  ctest --test-dir "$vg_build" -R '^(c_tests_build|cpp_tests_build|examples_build)$' --output-on-failure

  supp="$vg_build/wasmpool-valgrind.supp"
  cat >"$supp" <<'EOF'
# Written by scripts/sanitize.sh. Every entry is something of Wasmtime's or its dependencies'
# that memcheck misreads; none is in wasmpool's own code or in the C programs.
# pagemap_scan: Wasmtime resets a warm slot from the page list the PAGEMAP_SCAN ioctl wrote,
# which memcheck does not model (it sees the ioctl's output as uninitialised).
{
   pagemap_scan ioctl output read when a warm slot is reset
   Memcheck:Cond
   ...
   fun:*reset_with_original_mapping*
}
{
   pagemap_scan ioctl output used as an address when a warm slot is reset
   Memcheck:Value8
   ...
   fun:*reset_with_original_mapping*
}
{
   wasm trap: a faulting load/store in JIT code (no object file), e.g. an out-of-bounds access
   Memcheck:Addr1
   obj:???
}
{
   wasm trap (2 bytes)
   Memcheck:Addr2
   obj:???
}
{
   wasm trap (4 bytes)
   Memcheck:Addr4
   obj:???
}
{
   wasm trap (8 bytes)
   Memcheck:Addr8
   obj:???
}
{
   wasm trap (16 bytes)
   Memcheck:Addr16
   obj:???
}
{
   wasm trap (32 bytes)
   Memcheck:Addr32
   obj:???
}
{
   wasmparser's optimised parser branches on a partly initialised stack value (false positive)
   Memcheck:Cond
   fun:*wasmparser*parser*Parser*parse*
}
# wasmtime-wasi's preview-1 path_open, on its error path: the optimised code tests a stack slot
# that was never written before the drop flag that makes the slot irrelevant (with the flag clear
# both branches lead to the same place). Seen since the crate is built as one codegen unit.
{
   wasmtime-wasi path_open tests an unwritten slot before its drop flag (false positive)
   Memcheck:Cond
   fun:*WasiSnapshotPreview1*path_open*
}
{
   the threads of rayon's global pool (parallel compilation) live until exit: their TLS
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:_dl_allocate_tls
   ...
   fun:*rayon_core*registry*
}
{
   the threads of the tokio runtime that wasmtime-wasi starts once per process live until exit
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:_dl_allocate_tls
   ...
   fun:*tokio*runtime*
}
{
   that runtime's blocking pool keeps its bookkeeping of those threads until exit
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:*tokio*runtime*blocking*pool*
}
# A test's own threads, joined: glibc keeps a joined thread's stack in its cache for reuse, with
# the thread's TLS vector still allocated and pointed to only from one element in (the TCB holds
# dtv + 1), which memcheck calls possibly lost. Seen in test_async and test_cpp_async once no
# other thread is created after theirs (which would reuse the cached stacks).
{
   a test's joined thread: its cached stack's TLS vector, pointed to one element in
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:_dl_allocate_tls
   ...
   fun:pthread_create*
   ...
   obj:*-tests/test_*
}
{
   the compilation cache's worker thread (Wasmtime starts one per cache) lives until exit: its TLS
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:_dl_allocate_tls
   ...
   fun:*wasmtime_internal_cache*worker*
}
EOF
  # --px-default=allregs-at-each-insn: Wasmtime turns SIGFPE (integer division by zero) into a
  #   trap by looking at the faulting instruction's address; by default valgrind only keeps the
  #   program counter exact at memory accesses, and the trap would kill the process instead.
  # --fair-sched=yes: valgrind runs one thread at a time; the epoch ticker thread must get the
  #   CPU while a guest spins, or a 50 ms deadline takes seconds.
  vg=(valgrind --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,possible
      --show-leak-kinds=definite,possible --num-callers=40 "--suppressions=$supp"
      --px-default=allregs-at-each-insn --fair-sched=yes)

  programs=()
  for src in "$root"/tests/c/*/test_*.c "$root"/tests/c/*/test_*.cc; do
    [[ -e $src ]] || continue
    name=$(basename "$src"); name=${name%.*}
    programs+=("$vg_build/c-tests/$name")
  done
  for src in "$root"/tests/cpp/test_cpp_*.cc; do
    [[ -e $src ]] || continue
    name=$(basename "$src" .cc)
    programs+=("$vg_build/cpp-tests/$name")
  done
  for src in "$root"/examples-c/*.c "$root"/examples-c/*.cpp; do
    name=$(basename "${src%.*}")
    programs+=("$vg_build/examples/$name" "$vg_build/examples/${name}_static")
  done

  # Memcheck runs a program's threads one at a time, so each program uses one CPU: run as many
  # programs at once as there are CPUs. Each job writes its verdict to <name>.status (PASS or
  # FAIL), and its report line to <name>.line; the parent counts and explains the failures.
  logs="$vg_build/valgrind-logs"
  rm -rf "$logs"; mkdir -p "$logs"
  vg_one() { # EXE
    local exe=$1 name rc errors definite t0 verdict
    name=$(basename "$exe")
    t0=$(date +%s)
    set +e
    (cd "$(dirname "$exe")" && "${vg[@]}" "--log-file=$logs/$name.valgrind" "$exe") \
      >"$logs/$name.out" 2>&1
    rc=$?
    set -e
    errors=$(sed -nE 's/.*ERROR SUMMARY: ([0-9]+) errors.*/\1/p' "$logs/$name.valgrind" | tail -n 1)
    definite=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes.*/\1/p' "$logs/$name.valgrind" | tail -n 1)
    if [[ $rc -eq 0 ]]; then verdict=PASS; else verdict=FAIL; fi
    echo "$verdict  $name ($(( $(date +%s) - t0 )) s, exit $rc, ${errors:-?} errors, ${definite:-0} bytes definitely lost)" |
      tee "$logs/$name.line"
    echo "$verdict" >"$logs/$name.status"
  }
  jobs_max=$(nproc 2>/dev/null || echo 2)
  ran=()
  for exe in "${programs[@]}"; do
    name=$(basename "$exe")
    if [[ -n ${valgrind_skip[$name]+x} ]]; then
      echo "SKIP  $name (valgrind: ${valgrind_skip[$name]})"
      vg_skipped=$((vg_skipped + 1))
      continue
    fi
    while [[ $(jobs -rp | wc -l) -ge $jobs_max ]]; do wait -n || true; done
    vg_one "$exe" &
    ran+=("$name")
  done
  wait
  for name in "${ran[@]}"; do
    if [[ $(cat "$logs/$name.status" 2>/dev/null) == PASS ]]; then
      vg_passed=$((vg_passed + 1))
      continue
    fi
    vg_failed=$((vg_failed + 1))
    failed_names+=("valgrind:$name")
    echo "----- $(cat "$logs/$name.line" 2>/dev/null || echo "$name: no verdict")"
    echo "----- $name: program output"; tail -n 30 "$logs/$name.out" || true
    echo "----- $name: valgrind log ($logs/$name.valgrind)"
    { grep -v '^==[0-9]*== *$' "$logs/$name.valgrind" || true; } | sed -n '1,80p'
  done
  # The checker is really active, and the suppressions above hide nothing of the C side: each
  # planted error of cmake/sanitize_probe.c must be reported.
  declare -A probe_expect=(
    [asan]="Invalid read of size 1"
    [lsan]="definitely lost: [1-9]"
    [segv]="Invalid write of size 4"
  )
  for mode in asan lsan segv; do
    vlog="$vg_build/valgrind-logs/sanitize_probe_$mode.valgrind"
    olog="$vg_build/valgrind-logs/sanitize_probe_$mode.out"
    set +e
    (cd "$vg_build/c-tests" && "${vg[@]}" "--log-file=$vlog" ./sanitize_probe "$mode") >"$olog" 2>&1
    rc=$?
    set -e
    # (memcheck lets the program go on after an error, so it may print "probe: no report"; the
    # exit status comes from --error-exitcode.)
    if [[ $rc -ne 0 ]] && grep -Eq "${probe_expect[$mode]}" "$vlog" &&
       { [[ $mode != segv ]] || grep -q 'wasm out-of-bounds trap ok' "$olog"; }; then
      echo "PASS  sanitize_probe $mode (planted error reported: ${probe_expect[$mode]})"
      vg_passed=$((vg_passed + 1))
    else
      echo "FAIL  sanitize_probe $mode (exit $rc; expected \"${probe_expect[$mode]}\" in $vlog)"
      cat "$olog"
      vg_failed=$((vg_failed + 1))
      failed_names+=("valgrind:sanitize_probe_$mode")
    fi
  done
  if [[ $vg_failed -eq 0 ]]; then vg_status="ok"; else vg_status="FAILED"; fi
fi

elapsed=$(( $(date +%s) - start ))
echo
echo "asan+ubsan: $asan_status ($asan_passed passed, $asan_failed failed)"
echo "valgrind:   $vg_status ($vg_passed passed, $vg_failed failed, $vg_skipped skipped)"
if [[ ${#failed_names[@]} -gt 0 ]]; then echo "failed: ${failed_names[*]}"; fi
echo "time: ${elapsed} s"
echo "sanitize: $((asan_passed + vg_passed)) passed, $((asan_failed + vg_failed)) failed, $vg_skipped skipped"
if [[ ${#failed_names[@]} -gt 0 ]]; then exit 1; fi
