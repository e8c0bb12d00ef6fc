# CPack: `cpack` in a configured and built tree makes two packages of the install tree
# (`cmake --install`): a Debian package and a .tar.gz.
#
#   cd build && cpack                       # both, into build/packages/
#   cd build && cpack -G DEB                # only the .deb
#
# Both hold what `cmake --install` installs: the library with its SONAME symlinks and the static
# archive in <libdir>, the C and C++ headers in include/, the CMake package in
# <libdir>/cmake/wasmpool, wasmpool.pc in <libdir>/pkgconfig, wasmpool-run in bin/ and the README
# in share/doc/wasmpool. <libdir> is CMAKE_INSTALL_LIBDIR as GNUInstallDirs chose it when the
# tree was configured ("lib" unless the tree was configured with the prefix /usr on Debian, then
# "lib/<multiarch>"): one value, used for the .deb, the .tar.gz and `cmake --install` alike.
#
# The .deb installs below /usr. Its Depends line is computed by dpkg-shlibdeps from the ELF
# files in it (the dpkg-dev package), its shlibs file lets packages linking libwasmpool.so.0
# depend on it in turn. The .tar.gz holds the same files at the same paths below one top
# directory, wasmpool-<version>-<system>-<processor>, which stands for the root: unpacked with
# `tar -C / --strip-components=1` it is the .deb's install; unpacked anywhere else, point
# CMAKE_PREFIX_PATH at its usr/ (the CMake package is relocatable) or run pkg-config with
# `--define-variable=prefix=<dir>/usr` (wasmpool.pc names /usr as its prefix, the right one for
# the .deb installed for real; libdir and includedir follow ${prefix}).
#
# The packages are built by tests/package (ctest -L package), which installs the .deb into a
# scratch root with `dpkg -x` and builds examples against it.

set(WASMPOOL_PACKAGE_MAINTAINER "wasmpool developers <wasmpool@localhost>" CACHE STRING
    "Maintainer field of the Debian package (Name <email>)")

set(CPACK_PACKAGE_NAME "wasmpool")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "wasmpool")
set(CPACK_PACKAGE_CONTACT "${WASMPOOL_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "wasmpool is a shared library with a plain C ABI (and a header-only C++ layer) that runs WebAssembly modules and components on Wasmtime's pooling instance allocator, with every pool limit configurable, the pool's state observable and its memory use bounded. This package holds the library (shared, with its SONAME, and static), the C and C++ headers, the CMake package and pkg-config file, and the wasmpool-run tool.")
set(CPACK_RESOURCE_FILE_README "${CMAKE_CURRENT_SOURCE_DIR}/README.md")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/packages")
set(CPACK_GENERATOR "DEB;TGZ")
# Only the packages of the install tree: a source package would copy the build tree too.
set(CPACK_SOURCE_GENERATOR "")
# The install scripts see the final prefix (CMAKE_INSTALL_PREFIX) and install below DESTDIR:
# wasmpool.pc is written at install time from the prefix, which must be the package's, not
# the directory CPack stages the files in.
set(CPACK_SET_DESTDIR ON)
# wasmpool-run finds the library through its $ORIGIN rpath (tools/CMakeLists.txt); keep it.
set(CPACK_STRIP_FILES OFF)

# --- the Debian package ------------------------------------------------------------------------
set(CPACK_DEBIAN_PACKAGE_NAME "wasmpool")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # wasmpool_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WASMPOOL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")
# Depends from dpkg-shlibdeps (libc6, libgcc-s1, ...), not from a hand-written list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# wasmpool-run needs libwasmpool.so.0, which this package itself holds: dpkg-shlibdeps is told
# where it is (the staged <libdir>) so it is not reported as an unknown dependency.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_CURRENT_BINARY_DIR}/lib")
# A shlibs file: packages linking libwasmpool.so.0 get `Depends: wasmpool (>= <version>)`.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# The architecture comes from `dpkg --print-architecture` (CPack's default for DEB).

# --- the tarball -------------------------------------------------------------------------------
set(CPACK_PACKAGE_FILE_NAME "wasmpool-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)

# Both install below /usr: the .deb's data and the tarball's tree (below its top directory)
# are the same files at the same paths.
# (With CPACK_SET_DESTDIR the install runs with CMAKE_INSTALL_PREFIX = CPACK_INSTALL_PREFIX.)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INSTALL_PREFIX "/usr")

include(CPack)

# --- the test (ctest -L package) -----------------------------------------------------------------
# tests/package/check_package.sh: cpack into <build>/package-test/packages, the .deb's control
# fields and contents, `dpkg -x` into a scratch root and builds against it, the .tar.gz's files.
# Skipped (exit 77) without the dpkg tools. cpack runs the build's `preinstall` step, which asks
# cargo whether the library is current: one cargo at a time in this tree's target directory.
if(WASMPOOL_BUILD_TESTS)
  find_program(WASMPOOL_BASH bash DOC "bash, for the package test")
  if(WASMPOOL_BASH)
    add_test(NAME package_deb_tgz
      COMMAND "${WASMPOOL_BASH}" "${CMAKE_CURRENT_SOURCE_DIR}/tests/package/check_package.sh"
        "${CMAKE_CURRENT_BINARY_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}"
        "${CMAKE_CURRENT_BINARY_DIR}/package-test" "${PROJECT_VERSION}" "${WASMPOOL_SONAME}"
        "${CMAKE_INSTALL_LIBDIR}" "${CMAKE_INSTALL_INCLUDEDIR}"
      WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
    set(_package_test_env
      "CMAKE=${CMAKE_COMMAND}" "CPACK=${CMAKE_CPACK_COMMAND}"
      "WASMPOOL_PACKAGE_CC=${CMAKE_C_COMPILER}" "WASMPOOL_PACKAGE_CXX=${CMAKE_CXX_COMPILER}"
      "WASMPOOL_PACKAGE_GENERATOR=${CMAKE_GENERATOR}")
    if(WASMPOOL_PKG_CONFIG)
      list(APPEND _package_test_env "PKG_CONFIG=${WASMPOOL_PKG_CONFIG}")
    endif()
    set_tests_properties(package_deb_tgz PROPERTIES
      LABELS "package" TIMEOUT 900 SKIP_RETURN_CODE 77
      RESOURCE_LOCK wasmpool_cargo_target_dir
      ENVIRONMENT "${_package_test_env}")
  else()
    message(WARNING "bash not found: the package test is not registered")
  endif()
endif()
