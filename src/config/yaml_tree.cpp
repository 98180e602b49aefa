#include "yaml_tree.hpp"

#include "reader.hpp"
#include "runnel/config/load.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace runnel::config::detail {
namespace {

bool is_index(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

std::vector<std::string> split_key(std::string_view key, std::string_view assignment) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        auto seg = key.substr(start, dot == std::string_view::npos ? key.npos : dot - start);
        if (seg.empty()) {
            throw config_error("--set", "empty key segment in \"" + std::string(assignment) + "\"");
        }
        out.emplace_back(seg);
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

/// Rebinds `cur` to its child named by `seg` (creating a map there when the child is missing or
/// null), or assigns `value` to it when `value` is given. `fresh`: `cur` was created by the
/// previous step, so a numeric segment cannot index anything. Returns whether it created a map.
bool step(YAML::Node& cur, const std::string& seg, const std::string& parent, const std::string& here,
          const YAML::Node* value, bool fresh) {
    if (cur.IsSequence()) {
        if (!is_index(seg)) throw config_error(here, "is inside a list: expected a numeric index");
        // from_chars, not stoull: an index too long for 64 bits is past the end like any other
        // (stoull threw std::out_of_range out of load(), which promises config_error only).
        std::size_t idx = 0;
        const auto [end, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), idx);
        if (ec != std::errc{} || end != seg.data() + seg.size() || idx >= cur.size()) {
            throw config_error(here, "index past the end (" + parent + " has " +
                                         std::to_string(cur.size()) + " entries)");
        }
        if (value != nullptr) { cur[idx] = *value; return false; }
        YAML::Node child = cur[idx];
        cur.reset(child);
        return false;
    }
    if (cur.IsScalar()) {
        throw config_error(parent, "is a scalar, cannot set \"" + seg + "\" under it");
    }
    if ((fresh || !cur.IsMap()) && is_index(seg)) { // nothing there to index into
        throw config_error(here, "index past the end (" + (parent.empty() ? "root" : parent) + " is empty)");
    }
    if (value != nullptr) { cur[seg] = *value; return false; }
    const bool create = !present(cur[seg]);
    if (create) cur[seg] = YAML::Node(YAML::NodeType::Map);
    YAML::Node child = cur[seg];
    cur.reset(child);
    return create;
}

} // namespace

YAML::Node merge_defaults(YAML::Node tree, const YAML::Node& defaults) {
    if (!present(tree)) return YAML::Clone(defaults);
    if (!tree.IsMap() || !defaults.IsMap()) return tree;
    for (const auto& kv : defaults) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& const_tree = tree;
        YAML::Node mine = const_tree[key];
        if (!present(mine)) {
            tree[key] = YAML::Clone(kv.second);
        } else if (mine.IsMap() && kv.second.IsMap()) {
            tree[key] = merge_defaults(mine, kv.second);
        }
    }
    return tree;
}

YAML::Node parse_set_value(std::string_view text) {
    const std::string_view t = trim(text);
    if (t.empty()) return YAML::Node(YAML::NodeType::Null);
    try {
        YAML::Node n = YAML::Load(std::string(t));
        // yaml-cpp stops after a complete flow collection and ignores the rest ("[::1]:1883").
        const bool cut_seq = n.IsSequence() && t.front() == '[' && t.back() != ']';
        const bool cut_map = n.IsMap() && t.front() == '{' && t.back() != '}';
        if (!cut_seq && !cut_map) return n;
    } catch (const YAML::Exception&) {
        // not YAML: take the text literally
    }
    return YAML::Node(std::string(t));
}

void apply_set(YAML::Node& root, std::string_view assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos) {
        throw config_error("--set", "expected KEY=VALUE, got \"" + std::string(assignment) + "\"");
    }
    const auto key = trim(assignment.substr(0, eq));
    if (key.empty()) throw config_error("--set", "missing key in \"" + std::string(assignment) + "\"");
    const auto segments = split_key(key, assignment);
    const YAML::Node value = parse_set_value(assignment.substr(eq + 1));

    bool fresh = !present(root);
    if (fresh) root.reset(YAML::Node(YAML::NodeType::Map));
    YAML::Node cur;
    cur.reset(root);
    std::string parent;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string here = join(parent, segments[i]);
        const bool last = i + 1 == segments.size();
        fresh = step(cur, segments[i], parent, here, last ? &value : nullptr, fresh);
        parent = here;
    }
}

} // namespace runnel::config::detail
