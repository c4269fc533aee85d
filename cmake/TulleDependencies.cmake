# Every dependency comes from Debian 12's packages. A missing one stops configure and names the
# package to install (scripts/setup installs them all).

macro(tulle_require name debian_package)
    find_package(${name} ${ARGN} QUIET)
    if(NOT ${name}_FOUND)
        message(FATAL_ERROR
            "${name} was not found. Install the Debian package '${debian_package}' "
            "(apt-get install ${debian_package}), or run scripts/setup.")
    endif()
endmacro()

# A C library with a pkg-config file, as the target NAME::NAME.
macro(tulle_require_pkg name module debian_package)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
    endif()
    if(NOT ${name}_FOUND)
        message(FATAL_ERROR
            "${name} was not found. Install the Debian packages 'pkgconf ${debian_package}' "
            "(apt-get install pkgconf ${debian_package}), or run scripts/setup.")
    endif()
    add_library(${name}::${name} ALIAS PkgConfig::${name})
endmacro()

tulle_require_pkg(Sodium libsodium libsodium-dev)
tulle_require_pkg(B2 libb2 libb2-dev)
# sd-bus, for systemd-resolved (a tunnel's DNS =).
tulle_require_pkg(Systemd libsystemd libsystemd-dev)
tulle_require_pkg(QREncode libqrencode libqrencode-dev)  # QR codes of exported peers
tulle_require_pkg(Nftables libnftables libnftables-dev)
tulle_require(Boost libboost-dev 1.74 CONFIG)
tulle_require(spdlog libspdlog-dev CONFIG)
tulle_require(nlohmann_json nlohmann-json3-dev 3.10 CONFIG)
tulle_require(CLI11 libcli11-dev CONFIG)
find_package(Threads REQUIRED)

if(TULLE_BUILD_APP)
    tulle_require(Qt6 qt6-base-dev 6.4 COMPONENTS Core Gui Widgets Network Test)
    # One component at a time, so the error names the package that is missing.
    foreach(component_and_package IN ITEMS Svg:qt6-svg-dev Charts:qt6-charts-dev
            LinguistTools:qt6-tools-dev)
        # Charts needs OpenGL: libqt6opengl6-dev (scripts/setup installs it).
        string(REPLACE ":" ";" pair "${component_and_package}")
        list(GET pair 0 component)
        list(GET pair 1 package)
        tulle_require(Qt6${component} ${package} 6.4)
    endforeach()
    tulle_require(Qt6Keychain qtkeychain-qt6-dev CONFIG)
endif()

if(TULLE_BUILD_TESTS)
    tulle_require(GTest "libgtest-dev libgmock-dev" CONFIG)
endif()
if(TULLE_BUILD_BENCH)
    tulle_require(benchmark libbenchmark-dev CONFIG)
endif()
