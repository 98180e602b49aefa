#pragma once
// Key files and grant flags of `runnel token` (pure; unit-tested).
#include "runnel/auth/grants.hpp"
#include "runnel/auth/token.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace runnel::client_cli {

/// The JSON of a key file (private half included).
std::string key_file_json(const auth::key& k);
/// Parses a key file's JSON; throws usage_error naming what is wrong.
auth::key parse_key_file(std::string_view json, const std::string& path);
/// The auth.keys entry a node needs (public key or secret), as one YAML flow map.
std::string config_entry(const auth::key& k);
/// `chat/#=subscribe,publish` flags -> grants; throws usage_error naming the flag.
auth::grant_set parse_grant_flags(const std::vector<std::string>& flags);

} // namespace runnel::client_cli
