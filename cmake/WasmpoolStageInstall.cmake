# cmake -DWASMPOOL_BUILD_DIR=... -DWASMPOOL_PREFIX=... [-DWASMPOOL_CONFIG=...] -P WasmpoolStageInstall.cmake
# A fresh `cmake --install` of the build tree into WASMPOOL_PREFIX (wiped first, so nothing stale
# from an earlier run can satisfy the tests that use it).
foreach(_v WASMPOOL_BUILD_DIR WASMPOOL_PREFIX)
  if(NOT ${_v})
    message(FATAL_ERROR "${_v} is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WASMPOOL_PREFIX}")
set(_config_args "")
if(WASMPOOL_CONFIG)
  set(_config_args --config "${WASMPOOL_CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${WASMPOOL_BUILD_DIR}" --prefix "${WASMPOOL_PREFIX}" ${_config_args}
  COMMAND_ECHO STDOUT
  COMMAND_ERROR_IS_FATAL ANY)
