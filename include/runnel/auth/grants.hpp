#pragma once
/// What a client may do on which channels: a list of (channel pattern, actions). Patterns use
/// MQTT filter syntax; a wildcard subscription needs one pattern that covers the whole filter,
/// not several that together might. Affinity: none (values).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::auth {

enum class action : std::uint8_t {
    subscribe = 1,
    publish = 2,
    history = 4,
    presence = 8,
    admin = 16,
};
using action_set = std::uint8_t;
constexpr action_set all_channel_actions = 1 | 2 | 4 | 8; // everything but admin

constexpr action_set operator|(action a, action b) noexcept {
    return static_cast<action_set>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has(action_set s, action a) noexcept { return (s & static_cast<std::uint8_t>(a)) != 0; }

/// "subscribe" | "publish" | "history" | "presence" | "admin".
std::string_view to_string(action a) noexcept;
std::optional<action> parse_action(std::string_view s) noexcept;
/// "subscribe,publish" (commas, optional spaces); nullopt names nothing when a word is unknown.
std::optional<action_set> parse_actions(std::string_view csv, std::string* bad_word = nullptr);
/// "subscribe,publish" for display and `runnel token create`.
std::string to_string(action_set s);

struct grant {
    std::string pattern;
    action_set actions = 0;
    friend bool operator==(const grant&, const grant&) = default;
};

/// Whether every channel `filter` can match is also matched by `pattern` (both valid MQTT
/// filters; a plain channel name is a filter that matches itself).
bool covers(std::string_view pattern, std::string_view filter) noexcept;

class grant_set {
public:
    grant_set() = default;
    explicit grant_set(std::vector<grant> g) : grants_(std::move(g)) {}

    /// One pattern granting `a` covers `filter` (a channel name or a subscription filter).
    bool allows(action a, std::string_view filter) const noexcept;
    /// Whether any pattern grants `a` at all (e.g. the admin API).
    bool any(action a) const noexcept;
    const std::vector<grant>& list() const noexcept { return grants_; }
    bool empty() const noexcept { return grants_.empty(); }

    /// Config grants may name `{sub}`: it becomes the identity's subject. A subject that
    /// contains `/`, `+` or `#` would widen the pattern, so such grants are dropped instead.
    grant_set for_subject(std::string_view subject) const;

    friend bool operator==(const grant_set&, const grant_set&) = default;

private:
    std::vector<grant> grants_;
};

} // namespace runnel::auth
