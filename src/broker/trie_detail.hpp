#pragma once
/// Helpers shared by the broker's tries (topic_trie, retained_index): a transparent string hash,
/// so maps keyed by std::string are searched with a std::string_view level without building a
/// temporary string, and a level splitter that walks a topic without allocating.
/// Affinity: stateless; private to the broker module.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace runnel::broker::detail {

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

constexpr std::size_t no_more_levels = std::string_view::npos;

/// The level of `s` that starts at `pos`. Advances `pos` to the start of the next level, or to
/// no_more_levels after the last one ("a/" has two levels, the second empty).
inline std::string_view next_level(std::string_view s, std::size_t& pos) noexcept {
    auto slash = s.find('/', pos);
    auto level =
        s.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? no_more_levels : slash + 1;
    return level;
}

} // namespace runnel::broker::detail
