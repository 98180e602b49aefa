#pragma once
/// Human units for durations and sizes: the parsers are public (load.hpp); the formatters here
/// produce the shortest exact form the parsers read back ("7d", "5s", "1500ms", "64MiB").
/// Affinity: none (pure functions).
#include <chrono>
#include <cstddef>
#include <string>

namespace runnel::config::detail {

std::string format_duration(std::chrono::milliseconds d);
std::string format_size(std::size_t bytes);

} // namespace runnel::config::detail
