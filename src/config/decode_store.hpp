#pragma once
/// The `store:` and `retention:` sections (decode.hpp's rules: shape, types, enums; a
/// retention `match` must be a valid MQTT filter).
/// Affinity: none (pure functions).
#include "reader.hpp"
#include "runnel/config/options.hpp"

namespace runnel::config::detail {

store_options decode_store(map_reader r);
std::vector<retention_rule> decode_retention(const YAML::Node& list, const std::string& path);

} // namespace runnel::config::detail
