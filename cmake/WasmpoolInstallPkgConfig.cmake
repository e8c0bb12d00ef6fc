# Runs inside `cmake --install` (cmake_install.cmake): writes wasmpool.pc for the prefix actually
# being installed to and installs it under <libdir>/pkgconfig. Inputs (set by the caller):
#   WASMPOOL_PC_TEMPLATE, WASMPOOL_PC_OUTPUT, WASMPOOL_PC_LIBDIR, WASMPOOL_PC_INCLUDEDIR,
#   WASMPOOL_PC_VERSION, WASMPOOL_PC_DESCRIPTION, WASMPOOL_PC_LIBS_PRIVATE
# CMAKE_INSTALL_PREFIX is the install-time prefix (`--prefix` wins over the configured one).

set(WASMPOOL_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")

# Express libdir/includedir through ${prefix} when they live under it, so the file stays
# readable and a packager can sed the prefix.
foreach(_kind LIBDIR INCLUDEDIR)
  set(_dir "${WASMPOOL_PC_${_kind}}")
  if(IS_ABSOLUTE "${_dir}")
    set(WASMPOOL_PC_${_kind}_FULL "${_dir}")
  else()
    set(WASMPOOL_PC_${_kind}_FULL "\${prefix}/${_dir}")
  endif()
endforeach()

if(IS_ABSOLUTE "${WASMPOOL_PC_LIBDIR}")
  set(_pc_destination "${WASMPOOL_PC_LIBDIR}/pkgconfig")
else()
  set(_pc_destination "${CMAKE_INSTALL_PREFIX}/${WASMPOOL_PC_LIBDIR}/pkgconfig")
endif()

configure_file("${WASMPOOL_PC_TEMPLATE}" "${WASMPOOL_PC_OUTPUT}" @ONLY)
# file(INSTALL) honours DESTDIR and records the file in install_manifest.txt.
file(INSTALL DESTINATION "${_pc_destination}" TYPE FILE FILES "${WASMPOOL_PC_OUTPUT}")
