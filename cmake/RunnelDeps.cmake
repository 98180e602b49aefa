# Every dependency comes from a Debian package (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
# Boost comes through CMake's FindBoost module (the package's BoostConfigVersion does not
# accept "1.81" as an exact match for 1.81.0). FindBoost 3.25 predates Boost 1.81 and warns
# that it may not know the components' dependencies; Boost.JSON's shared library carries its
# own (Boost.Container), so the warning is noise.
set(Boost_NO_WARN_NEW_VERSIONS ON)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json)  # json: codec/json
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
if(RUNNEL_TESTS)
  find_package(GTest REQUIRED)
endif()
if(RUNNEL_BENCH)
  find_package(benchmark REQUIRED)
endif()
