#pragma once
/// Typed, path-aware access to a YAML tree. Each map of the config is read through one
/// map_reader: every key the decoder asks for is remembered, and finish() rejects the others as
/// unknown, so the decoder's reads are the schema. A key that is absent or null keeps the field's
/// default. Every failure is a config_error naming the full key path.
/// Affinity: none. Ownership: holds a (reference-counted) handle to the node it reads.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::config::detail {

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join(std::string_view path, std::string_view key);

/// "a map", "a list", "a scalar", "null": for messages.
std::string_view kind_name(const YAML::Node& node);

/// True when the node carries a value (defined and not null).
bool present(const YAML::Node& node);

std::string read_string(const YAML::Node& node, const std::string& path);
bool read_bool(const YAML::Node& node, const std::string& path);
std::uint64_t read_uint(const YAML::Node& node, const std::string& path, std::uint64_t max);
std::size_t read_size(const YAML::Node& node, const std::string& path);
std::chrono::milliseconds read_duration(const YAML::Node& node, const std::string& path);
/// A duration that must be a whole number of seconds.
std::chrono::seconds read_seconds(const YAML::Node& node, const std::string& path);

/// Throws unless `node` is a sequence (null counts as empty).
void expect_list(const YAML::Node& node, const std::string& path);
/// Throws "expected a map, got ..." for `node` at `path`.
[[noreturn]] void throw_not_a_map(const YAML::Node& node, const std::string& path);

class map_reader {
public:
    /// Throws unless `node` is a map or null (null reads as an empty map).
    map_reader(const YAML::Node& node, std::string path);

    const std::string& path() const { return path_; }
    /// The value under `key` (possibly undefined or null); marks the key as known.
    YAML::Node child(std::string_view key);
    /// Whether `key` has a value; marks the key as known.
    bool has(std::string_view key) { return present(child(key)); }

    void string(std::string_view key, std::string& out);
    void boolean(std::string_view key, bool& out);
    void size(std::string_view key, std::size_t& out);
    void duration(std::string_view key, std::chrono::milliseconds& out);
    void duration(std::string_view key, std::chrono::seconds& out);
    template <class T> void integer(std::string_view key, T& out) {
        const YAML::Node n = child(key);
        if (!present(n)) return;
        out = static_cast<T>(read_uint(n, join(path_, key), std::numeric_limits<T>::max()));
    }

    /// Throws for a repeated key or the first key that was never asked for (with a "did you
    /// mean" hint).
    void finish() const;

private:
    YAML::Node node_;
    std::string path_;
    std::vector<std::string> known_;
};

/// A list of maps, each decoded by `decode_one(map_reader)` under "path.N"; null is an empty
/// list. Throws for anything but a list, and for an entry that is not a map.
template <class Fn> auto decode_map_list(const YAML::Node& list, const std::string& path, Fn decode_one) {
    expect_list(list, path);
    std::vector<decltype(decode_one(std::declval<map_reader>()))> out;
    for (std::size_t i = 0; present(list) && i < list.size(); ++i) {
        const std::string item = join(path, std::to_string(i));
        if (!list[i].IsMap()) throw_not_a_map(list[i], item);
        out.push_back(decode_one(map_reader(list[i], item)));
    }
    return out;
}

} // namespace runnel::config::detail
