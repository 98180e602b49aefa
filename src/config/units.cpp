#include "units.hpp"

#include "runnel/config/load.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

namespace runnel::config {
namespace {

namespace bs = boost::system;

struct unit {
    std::string_view name;
    std::uint64_t factor;
};

// Longest names first, so "ms" is not read as "m" followed by garbage.
constexpr std::array<unit, 5> duration_units{{
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
}};

constexpr std::array<unit, 10> size_units{{
    {"kib", 1ULL << 10}, {"mib", 1ULL << 20}, {"gib", 1ULL << 30}, {"tib", 1ULL << 40},
    {"kb", 1'000ULL}, {"mb", 1'000'000ULL}, {"gb", 1'000'000'000ULL}, {"tb", 1'000'000'000'000ULL},
    {"b", 1}, {"", 1},
}};

bs::error_code invalid() { return bs::errc::make_error_code(bs::errc::invalid_argument); }
bs::error_code too_large() { return bs::errc::make_error_code(bs::errc::value_too_large); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

/// Reads leading decimal digits of `s` into `out`; false when there are none or on overflow
/// (then `overflow` is set).
bool take_number(std::string_view& s, std::uint64_t& out, bool& overflow) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc::result_out_of_range) overflow = true;
    if (ec != std::errc{}) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
}

bool mul_add(std::uint64_t& acc, std::uint64_t n, std::uint64_t factor, std::uint64_t max) {
    if (factor != 0 && n > max / factor) return false;
    if (acc > max - n * factor) return false;
    acc += n * factor;
    return true;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
}

} // namespace

result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    using ms = std::chrono::milliseconds;
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<ms::rep>::max());
    std::string_view s = trim(text);
    if (s.empty()) return invalid();
    std::uint64_t total = 0;
    bool overflow = false;
    std::uint64_t n = 0;
    if (take_number(s, n, overflow) && s.empty()) { // plain integer: seconds
        if (!mul_add(total, n, 1000, max)) return too_large();
        return ms{static_cast<ms::rep>(total)};
    }
    s = trim(text);
    while (!s.empty()) {
        if (!take_number(s, n, overflow)) return overflow ? too_large() : invalid();
        const unit* u = nullptr;
        for (const auto& cand : duration_units) {
            if (s.starts_with(cand.name)) { u = &cand; break; }
        }
        if (u == nullptr) return invalid();
        s.remove_prefix(u->name.size());
        if (!mul_add(total, n, u->factor, max)) return too_large();
    }
    return ms{static_cast<ms::rep>(total)};
}

result<std::size_t> parse_size(std::string_view text) {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max());
    std::string_view s = trim(text);
    std::uint64_t n = 0;
    bool overflow = false;
    if (!take_number(s, n, overflow)) return overflow ? too_large() : invalid();
    s = trim(s);
    for (const auto& u : size_units) {
        if (!iequals(s, u.name)) continue;
        std::uint64_t total = 0;
        if (!mul_add(total, n, u.factor, max)) return too_large();
        return static_cast<std::size_t>(total);
    }
    return invalid();
}

namespace detail {

std::string format_duration(std::chrono::milliseconds d) {
    const auto v = static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count());
    if (v == 0) return "0s";
    // Largest unit that divides exactly; iterate from days down to milliseconds.
    for (auto it = duration_units.rbegin(); it != duration_units.rend(); ++it) {
        if (v % it->factor == 0) return std::to_string(v / it->factor) + std::string(it->name);
    }
    return std::to_string(v) + "ms";
}

std::string format_size(std::size_t bytes) {
    constexpr std::array<std::pair<std::uint64_t, std::string_view>, 4> binary{{
        {1ULL << 40, "TiB"}, {1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"},
    }};
    const auto v = static_cast<std::uint64_t>(bytes);
    if (v == 0) return "0";
    for (const auto& [factor, name] : binary) {
        if (v % factor == 0) return std::to_string(v / factor) + std::string(name);
    }
    return std::to_string(v);
}

} // namespace detail
} // namespace runnel::config
