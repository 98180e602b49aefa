#include "runnel/auth/grants.hpp"

#include <array>

namespace runnel::auth {
namespace {

constexpr std::array<std::pair<action, std::string_view>, 5> names{{
    {action::subscribe, "subscribe"},
    {action::publish, "publish"},
    {action::history, "history"},
    {action::presence, "presence"},
    {action::admin, "admin"},
}};

/// Splits off the next level of `s` (advancing it); `done` once the last level was taken.
std::string_view next_level(std::string_view& s, bool& done) noexcept {
    auto slash = s.find('/');
    if (slash == s.npos) {
        done = true;
        return s;
    }
    auto level = s.substr(0, slash);
    s.remove_prefix(slash + 1);
    return level;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

} // namespace

std::string_view to_string(action a) noexcept {
    for (const auto& [v, n] : names) {
        if (v == a) return n;
    }
    return "?";
}

std::optional<action> parse_action(std::string_view s) noexcept {
    for (const auto& [v, n] : names) {
        if (n == s) return v;
    }
    return std::nullopt;
}

std::optional<action_set> parse_actions(std::string_view csv, std::string* bad_word) {
    action_set out = 0;
    while (true) {
        auto comma = csv.find(',');
        auto word = trim(csv.substr(0, comma));
        auto a = parse_action(word);
        if (!a) {
            if (bad_word) *bad_word = std::string(word);
            return std::nullopt;
        }
        out |= static_cast<action_set>(*a);
        if (comma == csv.npos) return out;
        csv.remove_prefix(comma + 1);
    }
}

std::string to_string(action_set s) {
    std::string out;
    for (const auto& [v, n] : names) {
        if (!has(s, v)) continue;
        if (!out.empty()) out += ',';
        out += n;
    }
    return out;
}

bool covers(std::string_view pattern, std::string_view filter) noexcept {
    // A pattern starting with a wildcard never matches `$` names, so it cannot cover them.
    bool dollar = !filter.empty() && filter.front() == '$';
    if (dollar && !pattern.empty() && (pattern.front() == '+' || pattern.front() == '#')) return false;
    bool p_done = false, f_done = false;
    while (true) {
        auto p = next_level(pattern, p_done);
        auto f = next_level(filter, f_done);
        if (p == "#") return true;          // the rest of the filter, whatever it is
        if (f == "#") return false;         // only `#` covers a multi-level wildcard
        if (f == "+" && p != "+") return false;
        if (f != "+" && p != "+" && p != f) return false;
        if (f_done) {
            // "a/#" also matches "a" itself.
            return p_done || pattern == "#";
        }
        if (p_done) return false;
    }
}

bool grant_set::allows(action a, std::string_view filter) const noexcept {
    for (const auto& g : grants_) {
        if (has(g.actions, a) && covers(g.pattern, filter)) return true;
    }
    return false;
}

bool grant_set::any(action a) const noexcept {
    for (const auto& g : grants_) {
        if (has(g.actions, a)) return true;
    }
    return false;
}

grant_set grant_set::for_subject(std::string_view subject) const {
    constexpr std::string_view var = "{sub}";
    bool unsafe = subject.empty() || subject.find_first_of("/+#") != subject.npos;
    std::vector<grant> out;
    for (const auto& g : grants_) {
        if (g.pattern.find(var) == std::string::npos) {
            out.push_back(g);
            continue;
        }
        if (unsafe) continue;
        std::string p = g.pattern;
        for (auto at = p.find(var); at != p.npos; at = p.find(var, at + subject.size())) p.replace(at, var.size(), subject);
        out.push_back({std::move(p), g.actions});
    }
    return grant_set(std::move(out));
}

} // namespace runnel::auth
