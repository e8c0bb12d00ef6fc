# The C and C++ tests of wasmpool: tests/c/<family>/test_*.c (C11) and test_*.cc (C++17). The
# folder is the test's family and its ctest label (besides "c"): a new family is a new folder.
# tests/c/common/ holds what the tests share (check.h), no tests. Used by the root (to register
# the ctest tests) and by tests/c/CMakeLists.txt (to build them), so both see the same list.
#
#   wasmpool_c_test_sources(<out_var> <tests_c_dir>)   sorted list of the test sources
#   wasmpool_c_test_family(<out_var> <source>)         the family (folder name) of one source
include_guard(GLOBAL)

function(wasmpool_c_test_sources out_var dir)
  file(GLOB _stray CONFIGURE_DEPENDS "${dir}/test_*.c" "${dir}/test_*.cc")
  if(_stray)
    message(FATAL_ERROR "C tests belong in a family folder, tests/c/<family>/test_*.c: move ${_stray}")
  endif()
  file(GLOB _tests CONFIGURE_DEPENDS "${dir}/*/test_*.c" "${dir}/*/test_*.cc")
  list(SORT _tests)
  set(_names "")
  foreach(_src IN LISTS _tests)
    get_filename_component(_name "${_src}" NAME_WE)
    if(_name IN_LIST _names)
      message(FATAL_ERROR "tests/c: two tests named ${_name} (test names are unique across families)")
    endif()
    list(APPEND _names "${_name}")
  endforeach()
  set(${out_var} "${_tests}" PARENT_SCOPE)
endfunction()

function(wasmpool_c_test_family out_var src)
  get_filename_component(_dir "${src}" DIRECTORY)
  get_filename_component(_family "${_dir}" NAME)
  set(${out_var} "${_family}" PARENT_SCOPE)
endfunction()
