# ctest registration for wasmpool (included from the root CMakeLists.txt when
# WASMPOOL_BUILD_TESTS is ON). Fixtures:
#
#   stage_install   --(staged)-->    c_tests_build --(c_built)-->        one test per tests/c/<family>/test_*.c[c]
#   guests_toolchains --(guests_toolchains)--> test_component_real, test_http_js (JavaScript and Python guests)
#                                    cpp_tests_build --(cpp_built)--> one test per tests/cpp/test_cpp_*.cc
#                                    examples_build --(examples_built)--> one test per examples-c/*.c
#                                    pkgconfig_build, install_layout
#   cargo_test, cargo_clippy (independent)
#   buildtree_header_c[_static|_lib] (built by the root build itself)
#
# Labels: "cargo", "install", "example", "sanitize", "guests", "cpp" (the C++ tests), and for the C tests "c" plus their family,
# the name of their folder under tests/c (core, pool, config, reliability, header, ...), so
# `ctest -L pool` runs one family (ctest adds the fixtures it needs).
#
# With -DWASMPOOL_SANITIZE=ON the C tests, the examples and the build-tree header tests are built
# with ASan + UBSan and run with WASMPOOL_SANITIZE_ENV, and the tests labelled "sanitize" prove
# that the sanitizer runtime is linked into every program and reports errors.
if(WASMPOOL_SANITIZE)
  include("${CMAKE_CURRENT_LIST_DIR}/WasmpoolSanitize.cmake")
  set(_wasmpool_test_env ${WASMPOOL_SANITIZE_ENV})
else()
  set(_wasmpool_test_env "")
endif()

set(WASMPOOL_STAGE_DIR "${CMAKE_CURRENT_BINARY_DIR}/stage")
set(WASMPOOL_STAGE_LIBDIR "${WASMPOOL_STAGE_DIR}/${CMAKE_INSTALL_LIBDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  message(FATAL_ERROR "wasmpool tests need a relative CMAKE_INSTALL_LIBDIR (got ${CMAKE_INSTALL_LIBDIR})")
endif()

# The sub-projects are built with this build's type (Release when none is set).
if(CMAKE_BUILD_TYPE)
  set(_sub_build_type "${CMAKE_BUILD_TYPE}")
else()
  set(_sub_build_type "Release")
endif()

# --- cargo ---------------------------------------------------------------------------------------
# The library build's target directory and profile (see the root CMakeLists.txt), so these reuse
# its compiled Wasmtime. One at a time: they would only wait for each other's cargo lock. The
# dependencies turn on every feature the dev-dependencies turn on in crates Wasmtime uses (see
# Cargo.toml), so the tests compile no second variant of Wasmtime; and no test builds the crate
# with other features, whose unhashed cdylib and staticlib would overwrite the library's. The
# panic boundary is proven by a unit test of the crate (src/abi/panic_boundary_tests.rs), with a
# hook that exists only in the unit-test build.
add_test(NAME cargo_test
  COMMAND ${_cargo} test ${_cargo_profile_args} ${_cargo_feature_args}
  WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
add_test(NAME cargo_clippy
  COMMAND ${_cargo} clippy --all-targets ${_cargo_profile_args} ${_cargo_feature_args} -- -D warnings
  WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
set_tests_properties(cargo_test cargo_clippy PROPERTIES
  TIMEOUT 3600 LABELS "cargo" RESOURCE_LOCK wasmpool_cargo_target_dir)

# --- stage the install -------------------------------------------------------------------------
add_test(NAME stage_install
  COMMAND ${CMAKE_COMMAND}
    "-DWASMPOOL_BUILD_DIR=${CMAKE_CURRENT_BINARY_DIR}"
    "-DWASMPOOL_PREFIX=${WASMPOOL_STAGE_DIR}"
    "-DWASMPOOL_CONFIG=$<CONFIG>"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/WasmpoolStageInstall.cmake")
set_tests_properties(stage_install PROPERTIES
  FIXTURES_SETUP staged TIMEOUT 300 LABELS "install")

add_test(NAME install_layout
  COMMAND ${CMAKE_COMMAND}
    "-DWASMPOOL_PREFIX=${WASMPOOL_STAGE_DIR}"
    "-DWASMPOOL_LIBDIR=${CMAKE_INSTALL_LIBDIR}"
    "-DWASMPOOL_INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}"
    "-DWASMPOOL_VERSION=${PROJECT_VERSION}"
    "-DWASMPOOL_SONAME=${WASMPOOL_SONAME}"
    "-DWASMPOOL_SOURCE_INCLUDE_DIR=${WASMPOOL_INCLUDE_DIR}"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/WasmpoolCheckInstall.cmake")
set_tests_properties(install_layout PROPERTIES
  FIXTURES_REQUIRED staged TIMEOUT 60 LABELS "install")

# --- test guests (WebAssembly programs and components built from tests/guests) -----------------
# Sets WASMPOOL_GUESTS_DIR and WASMPOOL_GUESTS_MISSING, passed on to the C tests.
include("${CMAKE_CURRENT_LIST_DIR}/WasmpoolGuests.cmake")

# --- separate CMake projects built against the staged install ----------------------------------
function(_wasmpool_add_sub_build name source_dir binary_dir fixture)
  set(_args
    "-DWASMPOOL_SOURCE_DIR=${source_dir}"
    "-DWASMPOOL_BINARY_DIR=${binary_dir}"
    "-DWASMPOOL_PREFIX=${WASMPOOL_STAGE_DIR}"
    "-DWASMPOOL_GUESTS_DIR=${WASMPOOL_GUESTS_DIR}"
    "-DWASMPOOL_GUESTS_MISSING=${WASMPOOL_GUESTS_MISSING}"
    "-DWASMPOOL_GENERATOR=${CMAKE_GENERATOR}"
    "-DWASMPOOL_BUILD_TYPE=${_sub_build_type}"
    "-DWASMPOOL_C_COMPILER=${CMAKE_C_COMPILER}"
    "-DWASMPOOL_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
    "-DWASMPOOL_SANITIZE=${WASMPOOL_SANITIZE}")
  if(CMAKE_MAKE_PROGRAM)
    list(APPEND _args "-DWASMPOOL_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}")
  endif()
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} ${_args}
      -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/WasmpoolSubBuild.cmake")
  set_tests_properties(${name} PROPERTIES
    FIXTURES_REQUIRED staged FIXTURES_SETUP ${fixture} TIMEOUT 900 LABELS "install")
endfunction()

# C tests: tests/c/<family>/test_*.c and test_*.cc, one executable (and one ctest test) each,
# labelled "c" and <family>.
include("${CMAKE_CURRENT_LIST_DIR}/WasmpoolCTestList.cmake")
set(WASMPOOL_C_TESTS_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}/c-tests")
_wasmpool_add_sub_build(c_tests_build "${CMAKE_CURRENT_SOURCE_DIR}/tests/c"
                        "${WASMPOOL_C_TESTS_BINARY_DIR}" c_built)
wasmpool_c_test_sources(_wasmpool_c_tests "${CMAKE_CURRENT_SOURCE_DIR}/tests/c")
set(_wasmpool_sub_programs "")
set(_wasmpool_families "")
foreach(_src IN LISTS _wasmpool_c_tests)
  get_filename_component(_name "${_src}" NAME_WE)
  wasmpool_c_test_family(_family "${_src}")
  list(APPEND _wasmpool_families "${_family}")
  add_test(NAME ${_name}
    COMMAND "${WASMPOOL_C_TESTS_BINARY_DIR}/${_name}"
    WORKING_DIRECTORY "${WASMPOOL_C_TESTS_BINARY_DIR}")
  set_tests_properties(${_name} PROPERTIES
    FIXTURES_REQUIRED c_built TIMEOUT 300 LABELS "c;${_family}")
  list(APPEND _wasmpool_sub_programs "${WASMPOOL_C_TESTS_BINARY_DIR}/${_name}")
  if(_wasmpool_test_env)
    set_tests_properties(${_name} PROPERTIES ENVIRONMENT "${_wasmpool_test_env}")
  endif()
endforeach()
# The WASI and wasi:http tests once more with every engine async (WASMPOOL_TEST_ASYNC=1, read by
# tests/c/common/check.h): guests on pooled fiber stacks with WASI's async host functions; an
# HTTP guest's call and the reader of its response are one future on the calling thread
# (src/http/handle.rs).
foreach(_name IN ITEMS test_wasi_guests test_wasi_sandbox test_http test_http_stream test_http_poll test_http_js)
  if(TEST ${_name})
    add_test(NAME ${_name}_async
      COMMAND "${WASMPOOL_C_TESTS_BINARY_DIR}/${_name}"
      WORKING_DIRECTORY "${WASMPOOL_C_TESTS_BINARY_DIR}")
    set(_env ${_wasmpool_test_env} WASMPOOL_TEST_ASYNC=1)
    get_test_property(${_name} LABELS _labels)
    set_tests_properties(${_name}_async PROPERTIES
      FIXTURES_REQUIRED c_built TIMEOUT 300 LABELS "${_labels}" ENVIRONMENT "${_env}")
  endif()
endforeach()
# The real-toolchain components (JavaScript, Python) come from a fixture of their own.
foreach(_name IN ITEMS test_http_js test_http_js_async)
  if(TEST ${_name})
    # The componentize-js wasi:http handler (js/proxy.wasm, from guests_toolchains); 77 when the
    # toolchain could not be installed (the test prints why).
    set_property(TEST ${_name} PROPERTY SKIP_RETURN_CODE 77)
    set_property(TEST ${_name} PROPERTY TIMEOUT 900)
    if(TEST guests_toolchains)
      set_property(TEST ${_name} APPEND PROPERTY FIXTURES_REQUIRED guests_toolchains)
    endif()
  endif()
endforeach()
if(TEST test_component_real AND TEST guests_toolchains)
  set_property(TEST test_component_real APPEND PROPERTY FIXTURES_REQUIRED guests_toolchains)
  set_property(TEST test_component_real PROPERTY TIMEOUT 900)
endif()
list(REMOVE_DUPLICATES _wasmpool_families)
string(REPLACE ";" ", " _families "${_wasmpool_families}")
message(STATUS "wasmpool: C test families (ctest -L <family>): ${_families}")

# C++ tests: tests/cpp/test_cpp_*.cc (named apart from the C tests), built against the staged install through wasmpool.hh with
# -std=c++17 -Wall -Wextra -Werror -fno-exceptions (tests/cpp/CMakeLists.txt), labelled "cpp".
set(WASMPOOL_CPP_TESTS_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}/cpp-tests")
_wasmpool_add_sub_build(cpp_tests_build "${CMAKE_CURRENT_SOURCE_DIR}/tests/cpp"
                        "${WASMPOOL_CPP_TESTS_BINARY_DIR}" cpp_built)
file(GLOB _wasmpool_cpp_tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/tests/cpp/test_cpp_*.cc")
list(SORT _wasmpool_cpp_tests)
foreach(_src IN LISTS _wasmpool_cpp_tests)
  get_filename_component(_name "${_src}" NAME_WE)
  add_test(NAME ${_name}
    COMMAND "${WASMPOOL_CPP_TESTS_BINARY_DIR}/${_name}"
    WORKING_DIRECTORY "${WASMPOOL_CPP_TESTS_BINARY_DIR}")
  set_tests_properties(${_name} PROPERTIES
    FIXTURES_REQUIRED cpp_built TIMEOUT 300 LABELS "cpp")
  list(APPEND _wasmpool_sub_programs "${WASMPOOL_CPP_TESTS_BINARY_DIR}/${_name}")
  if(_wasmpool_test_env)
    set_tests_properties(${_name} PROPERTIES ENVIRONMENT "${_wasmpool_test_env}")
  endif()
endforeach()
# Python tests: bindings/python with pytest in a fresh venv against the staged install, labelled "python".
add_subdirectory(tests/python)

# Examples: examples-c/*.c and *.cpp (C++, through wasmpool.hh), each an executable that exits 0; each is also linked statically
# (<name>_static, against wasmpool::wasmpool_static).
set(WASMPOOL_EXAMPLES_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}/examples")
_wasmpool_add_sub_build(examples_build "${CMAKE_CURRENT_SOURCE_DIR}/examples-c"
                        "${WASMPOOL_EXAMPLES_BINARY_DIR}" examples_built)
file(GLOB _wasmpool_examples CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/examples-c/*.c"
     "${CMAKE_CURRENT_SOURCE_DIR}/examples-c/*.cpp")
list(SORT _wasmpool_examples)
foreach(_src IN LISTS _wasmpool_examples)
  get_filename_component(_name "${_src}" NAME_WE)
  foreach(_exe IN ITEMS ${_name} ${_name}_static)
    add_test(NAME example_${_exe}
      COMMAND "${WASMPOOL_EXAMPLES_BINARY_DIR}/${_exe}"
      WORKING_DIRECTORY "${WASMPOOL_EXAMPLES_BINARY_DIR}")
    set_tests_properties(example_${_exe} PROPERTIES
      FIXTURES_REQUIRED examples_built TIMEOUT 300 LABELS "example")
    list(APPEND _wasmpool_sub_programs "${WASMPOOL_EXAMPLES_BINARY_DIR}/${_exe}")
    if(_wasmpool_test_env)
      set_tests_properties(example_${_exe} PROPERTIES ENVIRONMENT "${_wasmpool_test_env}")
    endif()
  endforeach()
endforeach()

# --- sanitizers really active (WASMPOOL_SANITIZE=ON only) ---------------------------------------
if(WASMPOOL_SANITIZE)
  # Every C test and example (shared and static) has the ASan and UBSan runtimes linked in.
  find_program(WASMPOOL_READELF readelf REQUIRED)
  add_test(NAME sanitize_runtime_linked
    COMMAND ${CMAKE_COMMAND}
      "-DWASMPOOL_READELF=${WASMPOOL_READELF}"
      "-DWASMPOOL_PROGRAMS=${_wasmpool_sub_programs};${WASMPOOL_C_TESTS_BINARY_DIR}/sanitize_probe"
      -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/WasmpoolCheckSanitized.cmake")
  set_tests_properties(sanitize_runtime_linked PROPERTIES
    FIXTURES_REQUIRED "c_built;cpp_built;examples_built" TIMEOUT 120 LABELS "sanitize")
  # ...and at run time each sanitizer reports what it must (cmake/sanitize_probe.c). A probe
  # passes only when the expected report appears in its output.
  set(_probe_expect_asan "ERROR: AddressSanitizer: heap-buffer-overflow")
  set(_probe_expect_lsan "ERROR: LeakSanitizer: detected memory leaks.*libwasmpool")
  set(_probe_expect_ubsan "runtime error: signed integer overflow")
  set(_probe_expect_segv "wasm out-of-bounds trap ok.*ERROR: AddressSanitizer: SEGV")
  foreach(_mode IN ITEMS asan lsan ubsan segv)
    add_test(NAME sanitize_probe_${_mode}
      COMMAND "${WASMPOOL_C_TESTS_BINARY_DIR}/sanitize_probe" ${_mode}
      WORKING_DIRECTORY "${WASMPOOL_C_TESTS_BINARY_DIR}")
    set_tests_properties(sanitize_probe_${_mode} PROPERTIES
      FIXTURES_REQUIRED c_built TIMEOUT 120 LABELS "sanitize"
      ENVIRONMENT "${_wasmpool_test_env}"
      PASS_REGULAR_EXPRESSION "${_probe_expect_${_mode}}"
      FAIL_REGULAR_EXPRESSION "probe: no report")
  endforeach()
endif()

# pkg-config: compile examples-c/hello.c with `cc $(pkg-config --cflags --libs wasmpool)` against
# the staged install and run it (and once more linked statically with Libs.private).
find_program(WASMPOOL_PKG_CONFIG pkg-config DOC "pkg-config, for the pkgconfig_build test")
find_program(WASMPOOL_SH sh REQUIRED)
if(WASMPOOL_PKG_CONFIG)
  add_test(NAME pkgconfig_build
    COMMAND "${WASMPOOL_SH}" "${CMAKE_CURRENT_SOURCE_DIR}/cmake/check_pkgconfig.sh"
      "${WASMPOOL_STAGE_LIBDIR}/pkgconfig"
      "${CMAKE_CURRENT_SOURCE_DIR}/examples-c/hello.c"
      "${CMAKE_CURRENT_BINARY_DIR}/pkgconfig-test"
      "${PROJECT_VERSION}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  set_tests_properties(pkgconfig_build PROPERTIES
    FIXTURES_REQUIRED staged TIMEOUT 600 LABELS "install"
    ENVIRONMENT "CC=${CMAKE_C_COMPILER};PKG_CONFIG=${WASMPOOL_PKG_CONFIG}")
else()
  message(WARNING "pkg-config not found: the pkgconfig_build test is not registered")
endif()

# --- the build-tree imported targets -----------------------------------------------------------
# The header test built in this tree against wasmpool::wasmpool and wasmpool::wasmpool_static
# proves the build-tree targets (include dir, SONAME lookup via build rpath, static deps).
# wasmpool::lib is one of the other two (BUILD_SHARED_LIBS), built here as a third variant.
if(EXISTS "${WASMPOOL_INCLUDE_DIR}/wasmpool.h")
  set(_header_test "${CMAKE_CURRENT_SOURCE_DIR}/tests/c/header/test_header_c.c")
  wasmpool_c_test_family(_family "${_header_test}")
  foreach(_suffix IN ITEMS "" "_static" "_lib")
    if(_suffix STREQUAL "_lib")
      set(_target wasmpool::lib)
    else()
      set(_target wasmpool::wasmpool${_suffix})
    endif()
    set(_exe buildtree_header_c${_suffix})
    add_executable(${_exe} "${_header_test}")
    target_link_libraries(${_exe} PRIVATE ${_target})
    set_target_properties(${_exe} PROPERTIES
      C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
      RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/buildtree-tests")
    target_compile_options(${_exe} PRIVATE -Wall -Wextra -Werror)
    if(WASMPOOL_SANITIZE)
      wasmpool_sanitize_target(${_exe})
    endif()
    add_test(NAME ${_exe} COMMAND ${_exe})
    set_tests_properties(${_exe} PROPERTIES TIMEOUT 60 LABELS "c;${_family}")
    if(_wasmpool_test_env)
      set_tests_properties(${_exe} PROPERTIES ENVIRONMENT "${_wasmpool_test_env}")
    endif()
  endforeach()
else()
  message(WARNING "include/wasmpool.h does not exist yet: buildtree_header_c tests not registered")
endif()
