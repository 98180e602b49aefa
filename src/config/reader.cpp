#include "reader.hpp"

#include "runnel/config/load.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace runnel::config::detail {
namespace {

std::string got(const YAML::Node& node) {
    if (node.IsScalar()) return "got \"" + node.Scalar() + "\"";
    return "got " + std::string(kind_name(node));
}

void expect_scalar(const YAML::Node& node, const std::string& path, std::string_view what) {
    if (!node.IsScalar()) throw config_error(path, "expected " + std::string(what) + ", " + got(node));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const std::size_t swap_cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + swap_cost});
            diag = up;
        }
    }
    return row[b.size()];
}

} // namespace

std::string join(std::string_view path, std::string_view key) {
    if (path.empty()) return std::string(key);
    std::string out(path);
    out += '.';
    out += key;
    return out;
}

std::string_view kind_name(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    default: return "null";
    }
}

bool present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

std::string read_string(const YAML::Node& node, const std::string& path) {
    expect_scalar(node, path, "a string");
    return node.Scalar();
}

bool read_bool(const YAML::Node& node, const std::string& path) {
    expect_scalar(node, path, "true or false");
    bool b = false;
    if (!YAML::convert<bool>::decode(node, b)) {
        throw config_error(path, "expected true or false, " + got(node));
    }
    return b;
}

std::uint64_t read_uint(const YAML::Node& node, const std::string& path, std::uint64_t max) {
    expect_scalar(node, path, "an integer");
    const std::string& s = node.Scalar();
    const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!digits) throw config_error(path, "expected a non-negative integer, " + got(node));
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || v > max) {
        throw config_error(path, "must be 0.." + std::to_string(max) + ", got " + s);
    }
    return v;
}

std::size_t read_size(const YAML::Node& node, const std::string& path) {
    expect_scalar(node, path, "a size");
    auto r = parse_size(node.Scalar());
    if (!r) {
        throw config_error(path, "expected a size like 1024, 64KiB, 1MiB or 64KB, " + got(node));
    }
    return *r;
}

std::chrono::milliseconds read_duration(const YAML::Node& node, const std::string& path) {
    expect_scalar(node, path, "a duration");
    auto r = parse_duration(node.Scalar());
    if (!r) {
        throw config_error(path, "expected a duration like 500ms, 15s, 1m, 1h or 7d, " + got(node));
    }
    return *r;
}

std::chrono::seconds read_seconds(const YAML::Node& node, const std::string& path) {
    const auto ms = read_duration(node, path);
    if (ms.count() % 1000 != 0) {
        throw config_error(path, "must be a whole number of seconds, " + got(node));
    }
    return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

void expect_list(const YAML::Node& node, const std::string& path) {
    if (present(node) && !node.IsSequence()) {
        throw config_error(path, "expected a list, got " + std::string(kind_name(node)));
    }
}

void throw_not_a_map(const YAML::Node& node, const std::string& path) {
    throw config_error(path, "expected a map, got " + std::string(kind_name(node)));
}

map_reader::map_reader(const YAML::Node& node, std::string path)
    : node_(node), path_(std::move(path)) {
    if (present(node_) && !node_.IsMap()) {
        throw_not_a_map(node_, path_);
    }
}

YAML::Node map_reader::child(std::string_view key) {
    known_.emplace_back(key);
    if (!present(node_)) return YAML::Node(YAML::NodeType::Null);
    const YAML::Node& n = node_; // const lookup: never inserts
    return n[std::string(key)];
}

void map_reader::string(std::string_view key, std::string& out) {
    const YAML::Node n = child(key);
    if (present(n)) out = read_string(n, join(path_, key));
}

void map_reader::boolean(std::string_view key, bool& out) {
    const YAML::Node n = child(key);
    if (present(n)) out = read_bool(n, join(path_, key));
}

void map_reader::size(std::string_view key, std::size_t& out) {
    const YAML::Node n = child(key);
    if (present(n)) out = read_size(n, join(path_, key));
}

void map_reader::duration(std::string_view key, std::chrono::milliseconds& out) {
    const YAML::Node n = child(key);
    if (present(n)) out = read_duration(n, join(path_, key));
}

void map_reader::duration(std::string_view key, std::chrono::seconds& out) {
    const YAML::Node n = child(key);
    if (present(n)) out = read_seconds(n, join(path_, key));
}

void map_reader::finish() const {
    if (!present(node_)) return;
    std::vector<std::string> seen;
    for (const auto& kv : node_) {
        if (!kv.first.IsScalar()) throw config_error(path_, "keys must be plain names");
        const std::string& key = kv.first.Scalar();
        // yaml-cpp keeps both entries of a repeated key and lookups see only the first.
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            throw config_error(join(path_, key), "duplicate key");
        }
        seen.push_back(key);
        if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
        std::string what = "unknown key";
        const auto best = std::min_element(known_.begin(), known_.end(), [&](const auto& a, const auto& b) {
            return edit_distance(key, a) < edit_distance(key, b);
        });
        if (best != known_.end() && edit_distance(key, *best) <= 2) what += " (did you mean " + *best + "?)";
        throw config_error(join(path_, key), what);
    }
}

} // namespace runnel::config::detail
