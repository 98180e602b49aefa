#pragma once
/// Channel names travel in URLs (`/v1/channels/{channel}/messages`, `?channel=`): percent
/// decoding and query strings, sans-I/O (fuzzed: tests/fuzz/http_query_fuzz.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::core {

/// Decodes `%XX` escapes; every other byte is kept, `+` included (it is the MQTT wildcard, not a
/// space). nullopt for a malformed escape (`%` not followed by two hex digits).
std::optional<std::string> percent_decode(std::string_view s);

/// Encodes every byte outside RFC 3986 unreserved characters as `%XX` (uppercase hex).
std::string percent_encode(std::string_view s);

/// Splits a query (`a=b&c&d=e`, without the `?`) into decoded name/value pairs in order; empty
/// items are skipped, a missing `=` gives an empty value. nullopt for a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view q);

} // namespace runnel::core
