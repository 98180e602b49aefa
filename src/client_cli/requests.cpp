#include "runnel/client_cli/requests.hpp"

#include "runnel/codec/json/text.hpp"

#include <algorithm>
#include <vector>

namespace runnel::client_cli {

namespace json = codec::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_member(std::string& out, std::string_view name, std::string_view value) {
    out += ',';
    json::append_json_string(out, name);
    out += ':';
    json::append_json_string(out, value);
}

// `"headers":{...}`: names in first-appearance order, a repeated name as an array.
void append_headers(std::string& out, const pub_options& o) {
    std::vector<std::pair<std::string_view, std::vector<std::string_view>>> by_name;
    if (o.content_type) by_name.push_back({"content-type", {*o.content_type}});
    for (const auto& [name, value] : o.headers) {
        auto it = std::find_if(by_name.begin(), by_name.end(), [&](const auto& e) { return e.first == name; });
        if (it == by_name.end()) by_name.push_back({name, {value}});
        else it->second.push_back(value);
    }
    if (by_name.empty()) return;
    out += ",\"headers\":{";
    for (std::size_t i = 0; i < by_name.size(); ++i) {
        const auto& [name, values] = by_name[i];
        if (i) out += ',';
        json::append_json_string(out, name);
        out += ':';
        if (values.size() == 1) {
            json::append_json_string(out, values[0]);
            continue;
        }
        out += '[';
        for (std::size_t j = 0; j < values.size(); ++j) {
            if (j) out += ',';
            json::append_json_string(out, values[j]);
        }
        out += ']';
    }
    out += '}';
}

} // namespace

std::string connect_members(std::string_view client_id, const std::optional<std::string>& token) {
    std::string out = "\"op\":\"connect\"";
    if (!client_id.empty()) append_member(out, "client_id", client_id);
    if (token) append_member(out, "token", *token);
    return out;
}

std::string subscribe_members(std::string_view filter, const std::optional<std::string>& since_tt) {
    std::string out = "\"op\":\"subscribe\"";
    append_member(out, "channel", filter);
    if (since_tt) {
        out += ",\"since\":{";
        std::string tt;
        append_member(tt, "tt", *since_tt);
        out += tt.substr(1); // append_member writes a leading comma
        out += '}';
    }
    return out;
}

bool sends_as_data(std::string_view payload) {
    return !payload.empty() && !is_space(payload.front()) && !is_space(payload.back()) &&
           json::is_json_text(payload);
}

std::string publish_members(const pub_options& o, std::string_view payload) {
    std::string out = "\"op\":\"publish\"";
    append_member(out, "channel", o.channel);
    if (sends_as_data(payload)) {
        out += ",\"data\":";
        out += payload;
    } else {
        out += ",\"data_b64\":\"";
        json::append_base64(out, payload);
        out += '"';
    }
    append_headers(out, o);
    if (o.qos > 0) out += ",\"qos\":" + std::to_string(o.qos);
    if (o.retain) out += ",\"retain\":true";
    return out;
}

namespace {

void append_bound(std::string& out, std::string_view name, const history_bound& b) {
    out += ",\"" + std::string(name) + "\":";
    if (b.is_tt) {
        out += "{\"tt\":\"" + std::to_string(b.value) + "\"}";
        return;
    }
    out += "{\"offset\":" + std::to_string(b.value);
    if (!b.epoch.empty()) append_member(out, "epoch", b.epoch);
    out += '}';
}

} // namespace

std::string history_members(const history_options& o, const std::optional<std::string>& page) {
    std::string out = "\"op\":\"history\"";
    append_member(out, "channel", o.channel);
    out += ",\"limit\":" + std::to_string(o.limit);
    if (page) {
        append_member(out, "page", *page);
        return out;
    }
    append_member(out, "order", o.newest_first ? "newest" : "oldest");
    if (o.since) append_bound(out, "since", *o.since);
    if (o.until) append_bound(out, "until", *o.until);
    return out;
}

std::vector<std::pair<std::string, std::string>> history_query(const history_options& o,
                                                               const std::optional<std::string>& page) {
    std::vector<std::pair<std::string, std::string>> q{{"limit", std::to_string(o.limit)}};
    if (page) {
        q.emplace_back("page", *page);
        return q;
    }
    q.emplace_back("order", o.newest_first ? "newest" : "oldest");
    std::string epoch;
    for (auto [name, b] : {std::pair{"since", &o.since}, std::pair{"until", &o.until}}) {
        if (!*b) continue;
        q.emplace_back(std::string(name) + ((*b)->is_tt ? "_tt" : "_offset"), std::to_string((*b)->value));
        if (!(*b)->epoch.empty()) epoch = (*b)->epoch;
    }
    if (!epoch.empty()) q.emplace_back("epoch", epoch);
    return q;
}

} // namespace runnel::client_cli
