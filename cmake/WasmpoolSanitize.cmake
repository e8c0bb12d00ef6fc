# AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer, part of ASan on Linux) for the
# C programs that use wasmpool: the C tests, the examples and the root's build-tree header tests,
# when the root is configured with -DWASMPOOL_SANITIZE=ON (the root passes the option on to the
# tests/c and examples-c sub-projects). `scripts/sanitize.sh` is the one-command way to run it.
#
#   include(<repo>/cmake/WasmpoolSanitize.cmake)
#   wasmpool_sanitize_enable()             # every target defined afterwards in this directory
#   wasmpool_sanitize_target(<target>)     # ...or one target
#
# Only the C/C++ side is instrumented. libwasmpool itself is Rust (not instrumented), but the
# sanitizer runtime replaces malloc/free for the whole process, so the library's heap
# allocations are tracked: LeakSanitizer reports what the library leaks, and ASan reports a C
# host that overruns a buffer the library handed out or uses it after wasmpool freed it.
#
# Compilers: gcc (its libasan/libubsan come with the gcc package on Debian) or clang (on Debian
# it needs the compiler-rt package, e.g. libclang-rt-14-dev for clang 14). The configure step
# fails with a clear message when the compiler cannot build and link a sanitized program.
#
# Run-time options: WASMPOOL_SANITIZE_ENV below (set on every sanitized ctest test).
#  * handle_segv=1 + allow_user_segv_handler=1 (gcc 12's defaults, spelled out): ASan installs
#    its SIGSEGV handler at start-up and lets the program replace it. Wasmtime installs its own
#    handlers for SIGSEGV/SIGBUS/SIGILL/SIGFPE when the first engine is created (wasm traps such
#    as an out-of-bounds access or a division by zero arrive as signals) and forwards a fault
#    that is not in wasm code to the previous handler, i.e. ASan's, which then reports it as
#    usual. allow_user_segv_handler=0 (ASan keeps the handler to itself) breaks every wasm trap:
#    the process dies with an ASan "SEGV" report. handle_segv=0 also works but loses ASan's
#    report for a real crash in C code.
#  * Wasmtime reserves large PROT_NONE regions (a pool of N memories reserves
#    N x (memory_reservation + guard) bytes up front). ASan does not shadow mmap'ed memory, so
#    that costs nothing, but the ASan shadow itself reserves terabytes of address space: a program
#    that caps its address space (setrlimit(RLIMIT_AS)) cannot allocate anything under ASan.
#  * detect_leaks=1: LeakSanitizer at exit; a leak makes the program exit non-zero.
#  * halt_on_error / -fno-sanitize-recover=all: the first error (ASan or UBSan) ends the program
#    with a non-zero status, so ctest sees it.
include_guard(GLOBAL)
include(CheckCSourceRuns)
include(CMakePushCheckState)

# -O1 (after the build type's -O2, so it wins): the level AddressSanitizer's documentation
# suggests for usable stack traces, and the instrumented C++ tests compile in a third less time.
set(WASMPOOL_SANITIZE_FLAGS
    -fsanitize=address,undefined
    -fno-sanitize-recover=all
    -fno-omit-frame-pointer
    -O1
    -g)

set(WASMPOOL_SANITIZE_ASAN_OPTIONS
    "detect_leaks=1:handle_segv=1:allow_user_segv_handler=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1")
set(WASMPOOL_SANITIZE_UBSAN_OPTIONS "print_stacktrace=1:halt_on_error=1")
# A list usable as the ENVIRONMENT property of a ctest test.
set(WASMPOOL_SANITIZE_ENV
    "ASAN_OPTIONS=${WASMPOOL_SANITIZE_ASAN_OPTIONS}"
    "UBSAN_OPTIONS=${WASMPOOL_SANITIZE_UBSAN_OPTIONS}")

# Fails the configure step unless the C compiler builds, links and runs an ASan+UBSan program
# (also proves the compiler defines the feature macros the probe program relies on).
function(_wasmpool_sanitize_check)
  if(DEFINED CACHE{WASMPOOL_SANITIZE_WORKS} AND WASMPOOL_SANITIZE_WORKS)
    return()
  endif()
  cmake_push_check_state(RESET)
  string(REPLACE ";" " " _flags "${WASMPOOL_SANITIZE_FLAGS}")
  set(CMAKE_REQUIRED_FLAGS "${_flags}")
  set(CMAKE_REQUIRED_LINK_OPTIONS ${WASMPOOL_SANITIZE_FLAGS})
  set(CMAKE_REQUIRED_QUIET OFF)
  check_c_source_runs([[
#if defined(__SANITIZE_ADDRESS__)
#elif defined(__has_feature)
#  if !__has_feature(address_sanitizer)
#    error "AddressSanitizer is not enabled"
#  endif
#else
#  error "AddressSanitizer is not enabled"
#endif
#include <stdlib.h>
int main(void) { char *p = malloc(8); p[0] = 1; int r = p[0] - 1; free(p); return r; }
]] WASMPOOL_SANITIZE_WORKS)
  cmake_pop_check_state()
  if(NOT WASMPOOL_SANITIZE_WORKS)
    message(FATAL_ERROR
      "WASMPOOL_SANITIZE=ON: ${CMAKE_C_COMPILER} cannot build and run a program with "
      "${_flags}. With gcc install its sanitizer runtimes (libasan, libubsan: they come with "
      "gcc on Debian); with clang install compiler-rt (Debian: libclang-rt-<version>-dev).")
  endif()
endfunction()

# Instruments every target created after this call in the current directory and below.
macro(wasmpool_sanitize_enable)
  _wasmpool_sanitize_check()
  add_compile_options(${WASMPOOL_SANITIZE_FLAGS})
  add_link_options(${WASMPOOL_SANITIZE_FLAGS})
  add_compile_definitions(WASMPOOL_SANITIZE=1)
  message(STATUS "wasmpool: building with ${WASMPOOL_SANITIZE_FLAGS}")
endmacro()

# Instruments one target.
function(wasmpool_sanitize_target target)
  _wasmpool_sanitize_check()
  target_compile_options(${target} PRIVATE ${WASMPOOL_SANITIZE_FLAGS})
  target_link_options(${target} PRIVATE ${WASMPOOL_SANITIZE_FLAGS})
  target_compile_definitions(${target} PRIVATE WASMPOOL_SANITIZE=1)
endfunction()
