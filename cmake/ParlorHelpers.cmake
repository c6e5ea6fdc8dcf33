# Declarative helpers so per-directory CMakeLists stay short.

add_library(parlor_options INTERFACE)
target_compile_options(parlor_options INTERFACE -Wall -Wextra)
if(PARLOR_WERROR)
  target_compile_options(parlor_options INTERFACE -Werror)
endif()
if(PARLOR_SANITIZE)
  target_compile_options(parlor_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                  -fno-sanitize-recover=undefined)
  target_link_options(parlor_options INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(parlor_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(parlor_options INTERFACE PARLOR_VERSION="${PROJECT_VERSION}")

# parlor_add_library(name SOURCES ... DEPS ...)
function(parlor_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC parlor_options ${ARG_DEPS})
endfunction()

# parlor_add_test(name SOURCES ... DEPS ...): a GoogleTest binary registered with CTest
function(parlor_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE parlor_options ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
endfunction()

# parlor_add_fuzzer(name SOURCES ... DEPS ...): a libFuzzer target (clang)
function(parlor_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE parlor_options ${ARG_DEPS})
endfunction()
