#pragma once
/// Edits on the raw YAML tree before it is decoded, so that defaults and `--set` values go
/// through exactly the same checks as the file.
/// Affinity: none. yaml-cpp nodes are handles: these functions mutate the tree they are given.
#include <yaml-cpp/yaml.h>

#include <string_view>

namespace runnel::config::detail {

/// Lays `tree` over `defaults`: maps merge key by key, anything else in `tree` (scalars, lists)
/// wins; a null or missing value takes the default. Returns the merged tree; `defaults` is not
/// modified (its nodes are cloned).
YAML::Node merge_defaults(YAML::Node tree, const YAML::Node& defaults);

/// Parses a `--set` value as a YAML flow node; "" is null; text that is not valid YAML, or a
/// flow collection followed by more text ("[::1]:1883"), is a plain string.
YAML::Node parse_set_value(std::string_view text);

/// Applies one "a.b.0.c=value" assignment to `root`. Missing maps along the path are created;
/// a numeric segment indexes a list and must be within it. Throws config_error naming the path
/// (or "--set" when the assignment itself is malformed).
void apply_set(YAML::Node& root, std::string_view assignment);

} // namespace runnel::config::detail
