# Test guests, built from source (tests/guests) into <build>/guests; nothing of it is committed.
# Included by cmake/WasmpoolTests.cmake. See tests/guests/README.md for what each guest does.
#
#   <build>/guests/adapters/wasi_snapshot_preview1.{command,reactor,proxy}.wasm
#       the WASI preview-1 adapters, written by tests/guests/adapter (a Rust helper that takes
#       them from the crate wasi-preview1-component-adapter-provider, Wasmtime's version)
#   <build>/guests/wasip1/<name>.wasm    tests/guests/c/<name>.c compiled for wasm32-wasip1
#                                        (clang + wasi-libc): core command modules
#   <build>/guests/wasip2/<name>.wasm    the same as preview-2 command components
#                                        (wasm-tools component new --adapt, command adapter)
#   <build>/guests/import_memory.wasm    tests/guests/import_memory: a freestanding core module
#                                        importing env.memory and env.__indirect_function_table
#   <build>/guests/dwarf.wasm            tests/guests/dwarf: a freestanding core module with its
#                                        DWARF line information (-g), trapping in `crash`
#   <build>/guests/echo.wasm             tests/guests/echo: every WIT type echoed, C with
#                                        wit-bindgen bindings, a component with no WASI imports
#   <build>/guests/res.wasm              tests/guests/resources: host-defined resources, the same
#   <build>/guests/{js,py}/hello.wasm    componentize-js / componentize-py guests, or
#   <build>/guests/{js,py}/hello.skip    why not: built by the ctest fixture `guests_toolchains`
#                                        (tests/guests/toolchains.sh), not by the build
#
# Tools: clang with the wasm32 target and wasm-ld (lld), wasi-libc, the wasm32 compiler-rt
# builtins, wasm-tools and wit-bindgen (cargo install), cargo. .ci/run installs them all. When
# one is missing the library still builds; the guests are not built, and the C tests that need
# them fail saying what is missing (WASMPOOL_GUESTS_MISSING).
#
# Sets, for the C tests: WASMPOOL_GUESTS_DIR, WASMPOOL_GUESTS_MISSING (empty when all is well),
# and registers the fixture test `guests_toolchains` (FIXTURES_SETUP guests_toolchains).
include_guard(GLOBAL)

set(WASMPOOL_GUESTS_DIR "${CMAKE_CURRENT_BINARY_DIR}/guests")
set(_g_src "${CMAKE_CURRENT_SOURCE_DIR}/tests/guests")
set(_g_out "${WASMPOOL_GUESTS_DIR}")
file(MAKE_DIRECTORY "${_g_out}")

# The versions the guests are written and checked against (older ones are refused; newer ones
# are used as they are). Keep in step with .ci/run, which installs exactly these when missing.
set(WASMPOOL_WASM_TOOLS_MIN_VERSION "1.254.2")
set(WASMPOOL_WIT_BINDGEN_MIN_VERSION "0.60.0")

set(WASMPOOL_WASM_CLANG "" CACHE FILEPATH
    "clang used to compile the C test guests to wasm32 (empty: clang on PATH)")
set(WASMPOOL_WASI_SYSROOT "" CACHE PATH
    "WASI sysroot for the C test guests (empty: WASI_SYSROOT from the environment, /usr/share/wasi-sysroot, /opt/wasi-sdk/share/wasi-sysroot, or the compiler's own search path, as Debian's wasi-libc needs)")
set(WASMPOOL_GUEST_CACHE_DIR "${WASMPOOL_GUESTS_DIR}/toolchains" CACHE PATH
    "Where the componentize-js / componentize-py installs and built guests are cached (may be shared by build trees)")

set(_missing "")
macro(_guest_missing what)
  list(APPEND _missing "${what}")
endmacro()

# --- tools --------------------------------------------------------------------------------------
# cargo install puts them in $CARGO_HOME/bin (default ~/.cargo/bin), which may not be on PATH.
set(_cargo_hint "$ENV{HOME}/.cargo/bin")
if(DEFINED ENV{CARGO_HOME})
  list(PREPEND _cargo_hint "$ENV{CARGO_HOME}/bin")
endif()
if(WASMPOOL_WASM_CLANG)
  set(_clang "${WASMPOOL_WASM_CLANG}")
else()
  find_program(_wasmpool_found_clang NAMES clang clang-21 clang-20 clang-19 clang-18 clang-17
               clang-16 clang-15 clang-14)
  set(_clang "${_wasmpool_found_clang}")
endif()
find_program(WASMPOOL_WASM_TOOLS wasm-tools HINTS ${_cargo_hint} DOC "wasm-tools, for the test guests")
find_program(WASMPOOL_WIT_BINDGEN wit-bindgen HINTS ${_cargo_hint} DOC "wit-bindgen, for the test guests")
find_program(WASMPOOL_BASH bash)

# _guest_tool_version(<out> <program>): the version the program reports (x.y.z), or "".
function(_guest_tool_version out program)
  execute_process(COMMAND "${program}" --version OUTPUT_VARIABLE _v ERROR_QUIET
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0 OR NOT _v MATCHES "([0-9]+\\.[0-9]+\\.[0-9]+)")
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

foreach(_tool IN ITEMS WASM_TOOLS WIT_BINDGEN)
  if(_tool STREQUAL "WASM_TOOLS")
    set(_crate "wasm-tools")
  else()
    set(_crate "wit-bindgen-cli")
  endif()
  set(_min "${WASMPOOL_${_tool}_MIN_VERSION}")
  if(NOT WASMPOOL_${_tool})
    _guest_missing("${_crate} (cargo install --locked ${_crate}@${_min})")
    continue()
  endif()
  _guest_tool_version(_have "${WASMPOOL_${_tool}}")
  if(NOT _have OR _have VERSION_LESS _min)
    _guest_missing("${_crate} ${_min} or newer (found ${WASMPOOL_${_tool}} version '${_have}'; cargo install --locked ${_crate}@${_min})")
  else()
    set(WASMPOOL_${_tool}_VERSION "${_have}")
  endif()
endforeach()

# --- clang for wasm32-wasip1: which target name and sysroot work -----------------------------
# clang 18 and newer know wasm32-wasip1; older ones call the same target wasm32-wasi.
set(_wasi_sysroot "${WASMPOOL_WASI_SYSROOT}")
if(NOT _wasi_sysroot)
  foreach(_dir IN ITEMS "$ENV{WASI_SYSROOT}" /usr/share/wasi-sysroot /opt/wasi-sdk/share/wasi-sysroot)
    if(_dir AND EXISTS "${_dir}/include")
      set(_wasi_sysroot "${_dir}")
      break()
    endif()
  endforeach()
endif()
set(WASMPOOL_WASI_CFLAGS "")
if(NOT _clang)
  _guest_missing("clang with the wasm32 target (Debian: apt-get install clang lld)")
else()
  set(_probe_dir "${_g_out}/probe")
  file(MAKE_DIRECTORY "${_probe_dir}")
  file(WRITE "${_probe_dir}/probe.c"
       "#include <stdio.h>\n#include <stdlib.h>\nint main(void) { puts(\"ok\"); return 0; }\n")
  set(_sysroot_flags "")
  if(_wasi_sysroot)
    set(_sysroot_flags "--sysroot=${_wasi_sysroot}")
  endif()
  set(_probe_log "")
  foreach(_triple IN ITEMS wasm32-wasip1 wasm32-wasi)
    execute_process(
      COMMAND "${_clang}" "--target=${_triple}" ${_sysroot_flags} -O2
              "${_probe_dir}/probe.c" -o "${_probe_dir}/probe.wasm"
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(_rc EQUAL 0)
      set(WASMPOOL_WASI_CFLAGS "--target=${_triple}" ${_sysroot_flags})
      break()
    endif()
    string(APPEND _probe_log "--target=${_triple}: ${_err}")
  endforeach()
  if(NOT WASMPOOL_WASI_CFLAGS)
    string(REGEX REPLACE "\n.*" "" _first_error "${_probe_log}")
    _guest_missing("a working wasm32-wasip1 C toolchain: ${_clang} cannot compile and link a WASI program (${_first_error}...; Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32, or set WASMPOOL_WASI_SYSROOT)")
  endif()
endif()
if(NOT WASMPOOL_CARGO)
  _guest_missing("cargo (for tests/guests/adapter)")
endif()

# The wasi:http proxy guest is written against the WIT that the pinned wasmtime-wasi-http crate
# serves (its wit/ folder): cargo metadata says where cargo keeps that crate's source.
set(_http_wit "")
if(WASMPOOL_CARGO)
  execute_process(COMMAND "${WASMPOOL_CARGO}" metadata --format-version 1 --locked
                          --manifest-path "${CMAKE_CURRENT_SOURCE_DIR}/Cargo.toml"
                  OUTPUT_VARIABLE _meta ERROR_VARIABLE _meta_err RESULT_VARIABLE _meta_rc)
  if(_meta_rc EQUAL 0 AND _meta MATCHES "\"manifest_path\":\"([^\"]*/wasmtime-wasi-http-[0-9.]+)/Cargo.toml\"")
    set(_http_wit "${CMAKE_MATCH_1}/wit")
  endif()
  unset(_meta)
endif()
if(NOT EXISTS "${_http_wit}/deps/http.wit")
  _guest_missing("the wit/ folder of the wasmtime-wasi-http crate (cargo metadata found '${_http_wit}')")
endif()

# One line, no list separators or quotes: it becomes a C string literal in the C tests.
string(REPLACE ";" " / " WASMPOOL_GUESTS_MISSING "${_missing}")
string(REGEX REPLACE "[\"\\\n]" " " WASMPOOL_GUESTS_MISSING "${WASMPOOL_GUESTS_MISSING}")
if(_missing)
  message(WARNING "wasmpool: the test guests cannot be built, missing: ${WASMPOOL_GUESTS_MISSING}. "
                  "The library builds; the component tests that need guests will fail. "
                  ".ci/run installs what is needed.")
else()
  message(STATUS "wasmpool: test guests with ${_clang} ${WASMPOOL_WASI_CFLAGS}, wasm-tools "
                 "${WASMPOOL_WASM_TOOLS_VERSION}, wit-bindgen ${WASMPOOL_WIT_BINDGEN_VERSION}")
endif()

# --- the guests ----------------------------------------------------------------------------------
if(NOT _missing)
  set(_guest_outputs "")
  set(_wasm_cflags ${WASMPOOL_WASI_CFLAGS} -O2 -Wall -Wextra -Werror -Wl,--strip-debug)

  # The adapters: a small cargo project of its own (its own lock file and target directory).
  set(_adapters_dir "${_g_out}/adapters")
  set(_command_adapter "${_adapters_dir}/wasi_snapshot_preview1.command.wasm")
  set(_adapter_files "${_command_adapter}"
      "${_adapters_dir}/wasi_snapshot_preview1.reactor.wasm"
      "${_adapters_dir}/wasi_snapshot_preview1.proxy.wasm")
  add_custom_command(
    OUTPUT ${_adapter_files}
    COMMAND ${CMAKE_COMMAND} -E env "CARGO_TARGET_DIR=${_g_out}/adapter-cargo"
            "${WASMPOOL_CARGO}" run --quiet --release --locked
            --manifest-path "${_g_src}/adapter/Cargo.toml" -- "${_adapters_dir}"
    COMMAND ${CMAKE_COMMAND} -E touch ${_adapter_files}
    DEPENDS "${_g_src}/adapter/Cargo.toml" "${_g_src}/adapter/Cargo.lock"
            "${_g_src}/adapter/src/main.rs"
    COMMENT "WASI preview-1 adapters (tests/guests/adapter)"
    VERBATIM)
  list(APPEND _guest_outputs ${_adapter_files})

  # C commands: a core module each, and a command component each.
  file(GLOB _c_guests CONFIGURE_DEPENDS "${_g_src}/c/*.c")
  list(SORT _c_guests)
  foreach(_src IN LISTS _c_guests)
    get_filename_component(_name "${_src}" NAME_WE)
    set(_core "${_g_out}/wasip1/${_name}.wasm")
    set(_component "${_g_out}/wasip2/${_name}.wasm")
    add_custom_command(
      OUTPUT "${_core}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${_g_out}/wasip1"
      COMMAND "${_clang}" ${_wasm_cflags} "${_src}" -o "${_core}"
      DEPENDS "${_src}"
      COMMENT "guest ${_name}: wasm32-wasip1 module"
      VERBATIM)
    add_custom_command(
      OUTPUT "${_component}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${_g_out}/wasip2"
      COMMAND "${WASMPOOL_WASM_TOOLS}" component new "${_core}"
              --adapt "wasi_snapshot_preview1=${_command_adapter}" -o "${_component}"
      COMMAND "${WASMPOOL_WASM_TOOLS}" validate "${_component}"
      DEPENDS "${_core}" "${_command_adapter}"
      COMMENT "guest ${_name}: preview-2 command component"
      VERBATIM)
    list(APPEND _guest_outputs "${_core}" "${_component}")
  endforeach()

  # A freestanding core module that imports its memory and function table (wasm-ld's
  # --import-memory and --import-table: `env.memory`, 2 pages, and `env.__indirect_function_table`),
  # which the host creates; no libc, no WASI.
  set(_import_memory "${_g_out}/import_memory.wasm")
  add_custom_command(
    OUTPUT "${_import_memory}"
    COMMAND "${_clang}" ${_wasm_cflags} -nostdlib -Wl,--no-entry -Wl,--import-memory
            -Wl,--import-table -Wl,--initial-memory=131072 -Wl,-z,stack-size=16384
            "${_g_src}/import_memory/import_memory.c" -o "${_import_memory}"
    DEPENDS "${_g_src}/import_memory/import_memory.c"
    COMMENT "guest import_memory: core module importing its memory and table"
    VERBATIM)
  list(APPEND _guest_outputs "${_import_memory}")

  # A freestanding core module with its DWARF debug information kept (-g, no --strip-debug),
  # for the source file and line of each frame of a trap's backtrace (tests/c/diag).
  set(_dwarf "${_g_out}/dwarf.wasm")
  add_custom_command(
    OUTPUT "${_dwarf}"
    COMMAND "${_clang}" ${WASMPOOL_WASI_CFLAGS} -O1 -g -Wall -Wextra -Werror -nostdlib -Wl,--no-entry
            "${_g_src}/dwarf/dwarf.c" -o "${_dwarf}"
    DEPENDS "${_g_src}/dwarf/dwarf.c"
    COMMENT "guest dwarf: core module with DWARF line information"
    VERBATIM)
  list(APPEND _guest_outputs "${_dwarf}")

  # Components written in C on wit-bindgen's bindings, linked as reactors (libraries: exports
  # only, `_initialize` runs the constructors once, which wasm-tools turns into the component's
  # start). They use nothing of WASI (libc only for malloc and memcpy), so they have no WASI
  # imports and need no adapter. Each is `<dir>:<world>`: tests/guests/<dir>/wit holds the
  # world, tests/guests/<dir>/<world>_guest.c the guest, and it is built as <world>.wasm.
  #   echo       every WIT value type echoed, directly and through the host
  #   resources  host-defined resources moved, lent, kept and dropped
  #   proxy      a wasi:http/proxy handler (routes in tests/guests/proxy/proxy_guest.c); its world
  #              is wasi:http/proxy from the wasmtime-wasi-http crate's WIT
  foreach(_wb echo:echo resources:res proxy:proxy)
    string(REPLACE ":" ";" _wb "${_wb}")
    list(GET _wb 0 _dir)
    list(GET _wb 1 _world)
    set(_wb_out "${_g_out}/${_world}")
    set(_bindings "${_wb_out}/${_world}.c" "${_wb_out}/${_world}.h" "${_wb_out}/${_world}_component_type.o")
    if(_dir STREQUAL "proxy")
      set(_wit_dir "${_http_wit}")
      set(_world_spec "wasi:http/proxy")
      file(GLOB _wit CONFIGURE_DEPENDS "${_wit_dir}/*.wit" "${_wit_dir}/deps/*.wit")
    else()
      set(_wit_dir "${_g_src}/${_dir}/wit")
      set(_world_spec "${_world}")
      file(GLOB _wit CONFIGURE_DEPENDS "${_wit_dir}/*.wit")
    endif()
    add_custom_command(
      OUTPUT ${_bindings}
      COMMAND ${CMAKE_COMMAND} -E make_directory "${_wb_out}"
      COMMAND "${WASMPOOL_WIT_BINDGEN}" c --world ${_world_spec} --out-dir "${_wb_out}" "${_wit_dir}"
      DEPENDS ${_wit}
      COMMENT "guest ${_world}: wit-bindgen C bindings"
      VERBATIM)
    set(_core "${_wb_out}/${_world}.core.wasm")
    set(_component "${_g_out}/${_world}.wasm")
    add_custom_command(
      OUTPUT "${_core}"
      COMMAND "${_clang}" ${_wasm_cflags} -mexec-model=reactor
              "-I${_wb_out}" "${_g_src}/${_dir}/${_world}_guest.c" "${_wb_out}/${_world}.c"
              "${_wb_out}/${_world}_component_type.o" -o "${_core}"
      DEPENDS "${_g_src}/${_dir}/${_world}_guest.c" ${_bindings}
      COMMENT "guest ${_world}: core module"
      VERBATIM)
    add_custom_command(
      OUTPUT "${_component}"
      COMMAND "${WASMPOOL_WASM_TOOLS}" component new "${_core}" -o "${_component}"
      COMMAND "${WASMPOOL_WASM_TOOLS}" validate "${_component}"
      DEPENDS "${_core}"
      COMMENT "guest ${_world}: component"
      VERBATIM)
    list(APPEND _guest_outputs ${_bindings} "${_core}" "${_component}")
  endforeach()

  add_custom_target(wasmpool_guests ALL DEPENDS ${_guest_outputs})
endif()

# --- the real toolchains (a ctest fixture: needs the network once, then its cache) -------------
if(WASMPOOL_BASH)
  add_test(NAME guests_toolchains
    COMMAND "${WASMPOOL_BASH}" "${_g_src}/toolchains.sh" "${_g_out}" "${WASMPOOL_GUEST_CACHE_DIR}" "${_http_wit}")
  set_tests_properties(guests_toolchains PROPERTIES
    FIXTURES_SETUP guests_toolchains TIMEOUT 1800 LABELS "guests"
    RESOURCE_LOCK wasmpool_guest_cache)
else()
  message(WARNING "wasmpool: bash not found: the JavaScript and Python guests are not built")
endif()
