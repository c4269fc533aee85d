# Finds libb2, the BLAKE2 reference library (Debian: libb2-dev), and defines B2::B2.
find_path(B2_INCLUDE_DIR NAMES blake2.h)
find_library(B2_LIBRARY NAMES b2)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(B2 REQUIRED_VARS B2_LIBRARY B2_INCLUDE_DIR)
if(B2_FOUND AND NOT TARGET B2::B2)
    add_library(B2::B2 UNKNOWN IMPORTED)
    set_target_properties(B2::B2 PROPERTIES
        IMPORTED_LOCATION "${B2_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${B2_INCLUDE_DIR}")
endif()
mark_as_advanced(B2_INCLUDE_DIR B2_LIBRARY)
