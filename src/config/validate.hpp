#pragma once
/// Semantic checks on a decoded (and flag-overridden) options value: ranges, enums kept as
/// strings, cross-field rules (watermarks, TLS pairs, users, duplicate listeners). Paths in the
/// errors are YAML key paths ("mqtt.max_inflight", "listeners.2.bind").
/// Affinity: none (pure function).
#include "runnel/config/options.hpp"

namespace runnel::config::detail {

/// Upper bounds shared with the docs and the example file.
constexpr unsigned max_workers = 1024;
constexpr unsigned max_shards = 256;
constexpr std::size_t min_packet_size = 64;
constexpr std::size_t max_packet_size = 268'435'460; // MQTT variable byte integer limit + header

/// Throws config_error for the first violation.
void validate(const options& o);

} // namespace runnel::config::detail
