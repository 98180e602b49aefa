// Re-renders a message object around its opened payload: Boost.JSON reads the member names,
// codec::json's raw scanner keeps every other member's text as the server sent it.
#include "runnel/client_cli/decrypted.hpp"

#include "parse_json.hpp"
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/raw_values.hpp"
#include "runnel/codec/json/text.hpp"

namespace runnel::client_cli {

namespace {

namespace bj = boost::json;

std::optional<bj::object> parse_object(std::string_view text) {
    auto v = parse_json(text);
    if (!v || !v->is_object()) return std::nullopt;
    return std::move(v->as_object());
}

/// `chat/1 offset 42`, from the members that are there.
std::string where(const bj::object& obj) {
    std::string out;
    const auto* channel = obj.if_contains("channel");
    if (channel && channel->is_string()) out = std::string(channel->as_string());
    else out = "a message";
    if (const auto* offset = obj.if_contains("offset"); offset && offset->is_int64())
        out += " offset " + std::to_string(offset->as_int64());
    else if (offset && offset->is_uint64())
        out += " offset " + std::to_string(offset->as_uint64());
    return out;
}

void append_payload(std::string& out, std::string_view plaintext) {
    if (codec::json::is_json_text(plaintext, codec::json::max_data_depth)) {
        out += "\"data\":";
        out += plaintext;
    } else {
        out += "\"data_b64\":\"";
        codec::json::append_base64(out, plaintext);
        out += '"';
    }
}

} // namespace

decrypted decrypt_received(const cipher_key& key, const received& m) {
    auto obj = parse_object(m.json);
    auto raw = codec::json::member_values(m.json);
    if (!obj || !raw || raw->size() != obj->size()) return {std::nullopt, "a message that is not a JSON object"};
    auto opened = open_envelope(key, m.payload);
    if (!opened.plaintext) return {std::nullopt, where(*obj) + ": " + describe(opened.error)};
    received r;
    r.json = "{";
    std::size_t i = 0;
    for (const auto& kv : *obj) {
        std::string_view name = kv.key(), value = (*raw)[i++];
        if (r.json.size() > 1) r.json += ',';
        if (name == "data" || name == "data_b64") {
            append_payload(r.json, *opened.plaintext);
            continue;
        }
        codec::json::append_json_string(r.json, name);
        r.json += ':';
        r.json += value;
    }
    r.json += '}';
    r.payload = std::move(*opened.plaintext);
    return {std::move(r), {}};
}

} // namespace runnel::client_cli
