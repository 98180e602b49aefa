#pragma once
namespace runnel::server {
/// The version string of this build (the CMake project version).
const char* version() noexcept;
} // namespace runnel::server
