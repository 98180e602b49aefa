# Every dependency comes from a Debian package (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
# Boost through its own CMake package (Debian's libboost1.81-dev ships BoostConfig.cmake); the
# version must be spelled 1.81.0 for EXACT to match.
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json url)  # json: codec/json; url: client_cli
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
