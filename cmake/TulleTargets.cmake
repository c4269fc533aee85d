# Settings shared by every target of the project's own code.

set(TULLE_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wnon-virtual-dtor)

function(tulle_defaults target)
    target_compile_options(${target} PRIVATE ${TULLE_WARNINGS})
    target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

# tulle_test(NAME LABEL [OWN_MAIN] SOURCES ... LIBS ... [ENVIRONMENT VAR=value ...]): a gtest
# executable whose tests ctest discovers, each carrying LABEL.
function(tulle_test name label)
    cmake_parse_arguments(ARG "OWN_MAIN" "" "SOURCES;LIBS;ENVIRONMENT" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    tulle_defaults(${name})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock)
    if(NOT ARG_OWN_MAIN)
        target_link_libraries(${name} PRIVATE GTest::gtest_main)
    endif()
    set_property(GLOBAL APPEND PROPERTY TULLE_TEST_TARGETS_${label} ${name})
    set(properties LABELS ${label})
    if(label STREQUAL "integration")
        # Network namespaces, interfaces and wg sockets have fixed names: one such test at a
        # time, while unit tests and the linters run beside it (ctest -j).
        list(APPEND properties RESOURCE_LOCK netns)
    endif()
    if(ARG_ENVIRONMENT)
        list(APPEND properties ENVIRONMENT "${ARG_ENVIRONMENT}")
    endif()
    gtest_discover_tests(${name}
        PROPERTIES ${properties}
        DISCOVERY_TIMEOUT 60)
endfunction()
