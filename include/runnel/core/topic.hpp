#pragma once
/// Channel (topic) names and filters, by the MQTT rules every protocol shares: levels split by
/// `/`, `+` matches one level, `#` the rest, and a filter whose first level is a wildcard never
/// matches a name starting with `$`. `$share/{group}/{filter}` names a shared subscription.
#include "runnel/core/error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::core {

struct topic_limits {
    std::size_t max_length = 65535;
    std::size_t max_levels = 128;
};

/// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past
/// U+10FFFF) without NUL (MQTT 1.5.4). Control characters and non-characters are accepted: the
/// spec only says they "should not" appear.
bool valid_mqtt_utf8(std::string_view s) noexcept;

/// A name a message is published to: non-empty, no wildcards, within limits. For
/// `$presence/{c}` (the presence events of c) the limits bound c.
errc validate_topic_name(std::string_view name, const topic_limits& lim = {}) noexcept;

/// A subscription filter (without a `$share/` prefix): wildcards only as whole levels, `#` last,
/// within limits (for `$presence/{f}`, the limits bound f).
errc validate_filter(std::string_view filter, const topic_limits& lim = {}) noexcept;

bool has_wildcard(std::string_view filter) noexcept;

/// Whether `filter` matches `name`; both assumed valid. Reference implementation for tests
/// and single checks; routing uses broker::topic_trie.
bool filter_matches(std::string_view filter, std::string_view name) noexcept;

struct shared_filter {
    std::string group;
    std::string filter;
};

/// `$share/{group}/{filter}` -> {group, filter}; nullopt when `s` is not a shared subscription.
/// A malformed one (empty group, group with wildcards, no filter) yields errc::filter_invalid.
std::optional<result<shared_filter>> parse_shared(std::string_view s);

} // namespace runnel::core
