#pragma once
/// The `auth:` section: anonymous access and its grants, users, token keys (base64 decoded and
/// checked here, so a bad key is a config error naming it), token time rules, certificate
/// grants. Grants are `{PATTERN: [ACTION, ...]}` or `{PATTERN: "a,b"}`.
/// Affinity: none (pure functions).
#include "reader.hpp"
#include "runnel/config/options.hpp"

namespace runnel::config::detail {

auth_options decode_auth(map_reader r);
auth::grant_set decode_grants(const YAML::Node& n, const std::string& path);

} // namespace runnel::config::detail
