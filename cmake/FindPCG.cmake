# FindPCG: the header-only pcg-cpp library (Debian: libpcg-cpp-dev), which ships no CMake config.
# Defines PCG_FOUND, PCG_INCLUDE_DIR and the INTERFACE IMPORTED target pcg::pcg.
find_path(PCG_INCLUDE_DIR NAMES pcg_random.hpp)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PCG REQUIRED_VARS PCG_INCLUDE_DIR)
if(PCG_FOUND AND NOT TARGET pcg::pcg)
  add_library(pcg::pcg INTERFACE IMPORTED)
  set_target_properties(pcg::pcg PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PCG_INCLUDE_DIR}")
endif()
mark_as_advanced(PCG_INCLUDE_DIR)
