# Every dependency comes from Debian's packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(JWT REQUIRED IMPORTED_TARGET libjwt)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# Uploads: what a file is (libmagic), image sizes and thumbnails (libvips).
pkg_check_modules(MAGIC REQUIRED IMPORTED_TARGET libmagic)
pkg_check_modules(VIPS REQUIRED IMPORTED_TARGET vips)
# Link previews fetch https pages (Boost.Asio's SSL over OpenSSL).
find_package(OpenSSL REQUIRED)
# The server's allocator (docs/ARCHITECTURE.md says why). The sanitizers
# bring their own malloc, so those builds keep glibc's.
if(NOT PARLOR_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
if(PARLOR_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

# Boost.Asio and Boost.Beast are compiled once, in src/core/boost_src.cpp,
# instead of in every translation unit that includes them.
add_library(parlor_boost INTERFACE)
target_compile_definitions(parlor_boost INTERFACE BOOST_ASIO_SEPARATE_COMPILATION
                                                  BOOST_BEAST_SEPARATE_COMPILATION
                                                  BOOST_ASIO_NO_DEPRECATED)
target_link_libraries(parlor_boost INTERFACE Boost::headers Boost::json Boost::url Threads::Threads)
