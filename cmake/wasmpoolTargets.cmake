# The imported targets of wasmpool, defined in one place for both consumers: the build tree
# (the root CMakeLists.txt) and the installed package (wasmpoolConfig.cmake, next to which this
# file is installed).
#
#   wasmpool_define_targets(
#     SHARED <path of libwasmpool.so.X.Y.Z>  SONAME <libwasmpool.so.X>
#     STATIC <path of libwasmpool.a>
#     INCLUDE_DIRS <dir>...                   where wasmpool.h (C) and wasmpool.hh (C++) live
#     STATIC_LINK_LIBRARIES <lib>...          system libraries a static link needs
#     [GLOBAL])                               imported targets visible in the whole project
#
# defines, unless they already exist:
#   wasmpool::wasmpool         the shared library
#   wasmpool::wasmpool_static  the static library
#   wasmpool::lib              one of the two, chosen like add_library() chooses: shared when
#                              BUILD_SHARED_LIBS is ON, static otherwise (also when it is unset)
include_guard(GLOBAL)

function(wasmpool_define_targets)
  cmake_parse_arguments(PARSE_ARGV 0 arg "GLOBAL" "SHARED;SONAME;STATIC"
                        "INCLUDE_DIRS;STATIC_LINK_LIBRARIES")
  foreach(_required SHARED SONAME STATIC INCLUDE_DIRS)
    if(NOT arg_${_required})
      message(FATAL_ERROR "wasmpool_define_targets: ${_required} is required")
    endif()
  endforeach()
  set(_scope "")
  if(arg_GLOBAL)
    set(_scope GLOBAL)
  endif()

  if(NOT TARGET wasmpool::wasmpool)
    add_library(wasmpool::wasmpool SHARED IMPORTED ${_scope})
    set_target_properties(wasmpool::wasmpool PROPERTIES
      IMPORTED_LOCATION "${arg_SHARED}"
      IMPORTED_SONAME "${arg_SONAME}"
      INTERFACE_INCLUDE_DIRECTORIES "${arg_INCLUDE_DIRS}")
  endif()

  if(NOT TARGET wasmpool::wasmpool_static)
    add_library(wasmpool::wasmpool_static STATIC IMPORTED ${_scope})
    set_target_properties(wasmpool::wasmpool_static PROPERTIES
      IMPORTED_LOCATION "${arg_STATIC}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${arg_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${arg_STATIC_LINK_LIBRARIES}")
  endif()

  if(NOT TARGET wasmpool::lib)
    if(BUILD_SHARED_LIBS)
      set(_chosen wasmpool::wasmpool)
    else()
      set(_chosen wasmpool::wasmpool_static)
    endif()
    if(arg_GLOBAL OR NOT CMAKE_VERSION VERSION_LESS 3.18)
      add_library(wasmpool::lib ALIAS ${_chosen})
    else()
      # CMake < 3.18 cannot alias a non-global imported target.
      add_library(wasmpool::lib INTERFACE IMPORTED)
      set_target_properties(wasmpool::lib PROPERTIES INTERFACE_LINK_LIBRARIES ${_chosen})
    endif()
  endif()
endfunction()
