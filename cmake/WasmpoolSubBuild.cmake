# Configure (fresh) and build a standalone CMake project against an installed wasmpool.
# cmake -DWASMPOOL_SOURCE_DIR=... -DWASMPOOL_BINARY_DIR=... -DWASMPOOL_PREFIX=...
#       [-DWASMPOOL_GENERATOR=...] [-DWASMPOOL_MAKE_PROGRAM=...] [-DWASMPOOL_BUILD_TYPE=...]
#       [-DWASMPOOL_C_COMPILER=...] [-DWASMPOOL_CXX_COMPILER=...] -P WasmpoolSubBuild.cmake
foreach(_v WASMPOOL_SOURCE_DIR WASMPOOL_BINARY_DIR WASMPOOL_PREFIX)
  if(NOT ${_v})
    message(FATAL_ERROR "${_v} is required")
  endif()
endforeach()
if(NOT WASMPOOL_BUILD_TYPE)
  set(WASMPOOL_BUILD_TYPE Release)
endif()

set(_configure
  "${CMAKE_COMMAND}" --fresh -S "${WASMPOOL_SOURCE_DIR}" -B "${WASMPOOL_BINARY_DIR}"
  "-DCMAKE_BUILD_TYPE=${WASMPOOL_BUILD_TYPE}"
  # Only the staged install: no user/system package registry, prefix path first.
  "-DCMAKE_PREFIX_PATH=${WASMPOOL_PREFIX}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  "-DWASMPOOL_EXPECTED_PREFIX=${WASMPOOL_PREFIX}")
if(WASMPOOL_GENERATOR)
  list(APPEND _configure -G "${WASMPOOL_GENERATOR}")
endif()
if(WASMPOOL_MAKE_PROGRAM)
  list(APPEND _configure "-DCMAKE_MAKE_PROGRAM=${WASMPOOL_MAKE_PROGRAM}")
endif()
if(WASMPOOL_C_COMPILER)
  list(APPEND _configure "-DCMAKE_C_COMPILER=${WASMPOOL_C_COMPILER}")
endif()
if(WASMPOOL_CXX_COMPILER)
  list(APPEND _configure "-DCMAKE_CXX_COMPILER=${WASMPOOL_CXX_COMPILER}")
endif()

execute_process(COMMAND ${_configure} COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${WASMPOOL_BINARY_DIR}" --config "${WASMPOOL_BUILD_TYPE}" --parallel
  COMMAND_ECHO STDOUT
  COMMAND_ERROR_IS_FATAL ANY)
