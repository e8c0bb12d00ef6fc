# Checks the layout of an installed wasmpool:
#   <libdir>/libwasmpool.so.X.Y.Z (regular file, ELF SONAME libwasmpool.so.X)
#   <libdir>/libwasmpool.so.X -> libwasmpool.so.X.Y.Z, <libdir>/libwasmpool.so -> libwasmpool.so.X
#   <libdir>/libwasmpool.a, <includedir>/wasmpool.h (and the C++ headers wasmpool*.hh: every one of the
#   source include/ directory), <libdir>/cmake/wasmpool/wasmpoolConfig{,Version}.cmake and
#   wasmpoolTargets.cmake, <libdir>/pkgconfig/wasmpool.pc, bin/wasmpool-run (which must run from
#   there: `--help` exits 0, finding the library through its rpath)
# cmake -DWASMPOOL_PREFIX= -DWASMPOOL_LIBDIR= -DWASMPOOL_INCLUDEDIR= -DWASMPOOL_VERSION=
#       -DWASMPOOL_SONAME= -DWASMPOOL_SOURCE_INCLUDE_DIR= -P WasmpoolCheckInstall.cmake
set(_lib "${WASMPOOL_PREFIX}/${WASMPOOL_LIBDIR}")
set(_inc "${WASMPOOL_PREFIX}/${WASMPOOL_INCLUDEDIR}")
set(_real "libwasmpool.so.${WASMPOOL_VERSION}")
set(_errors 0)

macro(_fail msg)
  message(SEND_ERROR "FAIL: ${msg}")
  math(EXPR _errors "${_errors} + 1")
endmacro()

macro(_expect_link link target)
  if(NOT IS_SYMLINK "${_lib}/${link}")
    _fail("${_lib}/${link} is not a symlink")
  else()
    file(READ_SYMLINK "${_lib}/${link}" _to)
    if(NOT _to STREQUAL "${target}")
      _fail("${link} -> ${_to}, expected -> ${target}")
    else()
      message(STATUS "ok: ${link} -> ${_to}")
    endif()
  endif()
endmacro()

if(IS_SYMLINK "${_lib}/${_real}" OR NOT EXISTS "${_lib}/${_real}")
  _fail("${_lib}/${_real} is missing or not a regular file")
else()
  message(STATUS "ok: ${_real} is a regular file")
endif()
_expect_link("${WASMPOOL_SONAME}" "${_real}")
_expect_link("libwasmpool.so" "${WASMPOOL_SONAME}")
if(NOT EXISTS "${_lib}/libwasmpool.so")
  _fail("libwasmpool.so does not resolve to a file")
endif()

find_program(_readelf NAMES readelf eu-readelf llvm-readelf)
if(NOT _readelf)
  _fail("readelf not found")
else()
  execute_process(COMMAND "${_readelf}" -d "${_lib}/${_real}"
    OUTPUT_VARIABLE _dyn RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    _fail("readelf -d ${_real} failed (${_rc})")
  elseif(NOT _dyn MATCHES "\\(SONAME\\)[^\n]*\\[([^]\n]*)\\]")
    _fail("${_real} has no SONAME")
  elseif(NOT CMAKE_MATCH_1 STREQUAL WASMPOOL_SONAME)
    _fail("SONAME of ${_real} is ${CMAKE_MATCH_1}, expected ${WASMPOOL_SONAME}")
  else()
    message(STATUS "ok: SONAME ${CMAKE_MATCH_1}")
  endif()
endif()

set(_headers "${_inc}/wasmpool.h")
if(WASMPOOL_SOURCE_INCLUDE_DIR)
  file(GLOB _source_headers RELATIVE "${WASMPOOL_SOURCE_INCLUDE_DIR}"
       "${WASMPOOL_SOURCE_INCLUDE_DIR}/wasmpool.h" "${WASMPOOL_SOURCE_INCLUDE_DIR}/wasmpool*.hh")
  list(TRANSFORM _source_headers PREPEND "${_inc}/")
  list(APPEND _headers ${_source_headers})
  list(REMOVE_DUPLICATES _headers)
endif()
foreach(_f
    "${_lib}/libwasmpool.a"
    ${_headers}
    "${_lib}/cmake/wasmpool/wasmpoolConfig.cmake"
    "${_lib}/cmake/wasmpool/wasmpoolConfigVersion.cmake"
    "${_lib}/cmake/wasmpool/wasmpoolTargets.cmake"
    "${_lib}/pkgconfig/wasmpool.pc")
  if(NOT EXISTS "${_f}")
    _fail("missing ${_f}")
  else()
    message(STATUS "ok: ${_f}")
  endif()
endforeach()

set(_run "${WASMPOOL_PREFIX}/bin/wasmpool-run")
if(NOT EXISTS "${_run}")
  _fail("missing ${_run}")
else()
  execute_process(COMMAND "${_run}" --help RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 0 OR NOT _out MATCHES "^usage: wasmpool-run")
    _fail("${_run} --help: exit ${_rc}: ${_out}")
  else()
    message(STATUS "ok: ${_run} runs")
  endif()
endif()

if(_errors GREATER 0)
  message(FATAL_ERROR "${_errors} problem(s) in the installed layout under ${WASMPOOL_PREFIX}")
endif()
