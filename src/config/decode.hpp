#pragma once
/// YAML tree -> options: shape and types (unknown keys, wrong kinds, integer ranges of the field
/// types, enums stored as C++ enums). Semantic checks across fields are validate()'s job.
/// Affinity: none (pure function).
#include "runnel/config/options.hpp"

#include <yaml-cpp/yaml.h>

namespace runnel::config::detail {

options decode(const YAML::Node& root);

} // namespace runnel::config::detail
