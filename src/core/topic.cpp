#include "runnel/core/topic.hpp"

#include <algorithm>

namespace runnel::core {

bool valid_mqtt_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned c = *p;
        if (c == 0) return false;
        if (c < 0x80) { ++p; continue; }
        int n = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
        else return false;
        if (end - p <= n) return false;
        for (int i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        // Overlong forms, surrogates and out-of-range code points are malformed.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += n + 1;
    }
    return true;
}

namespace {
std::size_t count_levels(std::string_view s) noexcept {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '/')) + 1;
}

/// The part of `s` the limits apply to. `$presence/{c}` carries the presence events of the
/// channel (or filter) c (docs/presence.md): a channel a client may use within the limits can
/// also be watched, so they bound c, not the prefix the server puts in front of it.
std::string_view limited(std::string_view s) noexcept {
    constexpr std::string_view events = "$presence/";
    return s.size() > events.size() && s.starts_with(events) ? s.substr(events.size()) : s;
}
} // namespace

errc validate_topic_name(std::string_view name, const topic_limits& lim) noexcept {
    if (name.empty() || limited(name).size() > lim.max_length) return errc::topic_invalid;
    if (name.find_first_of("+#") != std::string_view::npos) return errc::topic_invalid;
    if (count_levels(limited(name)) > lim.max_levels) return errc::topic_invalid;
    if (!valid_mqtt_utf8(name)) return errc::bad_utf8;
    return errc::ok;
}

errc validate_filter(std::string_view filter, const topic_limits& lim) noexcept {
    if (filter.empty() || limited(filter).size() > lim.max_length) return errc::filter_invalid;
    if (count_levels(limited(filter)) > lim.max_levels) return errc::filter_invalid;
    std::size_t start = 0;
    while (true) {
        auto slash = filter.find('/', start);
        auto level = filter.substr(start, slash == std::string_view::npos ? filter.npos : slash - start);
        if (level.find_first_of("+#") != std::string_view::npos) {
            if (level.size() != 1) return errc::filter_invalid;
            if (level == "#" && slash != std::string_view::npos) return errc::filter_invalid;
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (!valid_mqtt_utf8(filter)) return errc::bad_utf8;
    return errc::ok;
}

bool has_wildcard(std::string_view filter) noexcept {
    return filter.find_first_of("+#") != std::string_view::npos;
}

bool filter_matches(std::string_view filter, std::string_view name) noexcept {
    if (!name.empty() && name.front() == '$' && !filter.empty() &&
        (filter.front() == '+' || filter.front() == '#'))
        return false;
    std::size_t f = 0, n = 0;
    while (true) {
        auto fs = filter.find('/', f);
        auto flevel = filter.substr(f, fs == filter.npos ? filter.npos : fs - f);
        if (flevel == "#") return true;
        auto ns = name.find('/', n);
        auto nlevel = name.substr(n, ns == name.npos ? name.npos : ns - n);
        if (flevel != "+" && flevel != nlevel) return false;
        if (fs == filter.npos || ns == name.npos) {
            // "a/#" also matches "a": the parent level of a trailing multi-level wildcard.
            if (fs != filter.npos && ns == name.npos) return filter.substr(fs + 1) == "#";
            return fs == filter.npos && ns == name.npos;
        }
        f = fs + 1;
        n = ns + 1;
    }
}

std::optional<result<shared_filter>> parse_shared(std::string_view s) {
    constexpr std::string_view prefix = "$share/";
    if (s.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto rest = s.substr(prefix.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size())
        return result<shared_filter>{make_error_code(errc::filter_invalid)};
    auto group = rest.substr(0, slash);
    if (group.find_first_of("+#") != std::string_view::npos)
        return result<shared_filter>{make_error_code(errc::filter_invalid)};
    return result<shared_filter>{shared_filter{std::string(group), std::string(rest.substr(slash + 1))}};
}

} // namespace runnel::core
