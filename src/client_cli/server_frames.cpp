// Server frames for printing: Boost.JSON reads the shape, codec::json's raw scanners keep each
// value's text as sent (numbers in "data" are never re-serialized).
#include "runnel/client_cli/server_frames.hpp"

#include "parse_json.hpp"
#include "runnel/codec/json/raw_values.hpp"
#include "runnel/codec/json/text.hpp"

namespace runnel::client_cli {

namespace {

namespace bj = boost::json;

std::string_view str(const bj::value* v) {
    const auto* s = v ? v->if_string() : nullptr;
    return s ? std::string_view(*s) : std::string_view();
}

std::optional<received> message_from(const bj::object& obj, std::string_view text) {
    auto raw = codec::json::member_values(text);
    if (!raw || raw->size() != obj.size()) return std::nullopt; // duplicate keys
    received r;
    r.json = "{";
    bool channel = false, payload = false;
    std::size_t i = 0;
    for (const auto& kv : obj) {
        std::string_view key = kv.key(), value = (*raw)[i++];
        if (key == "op") continue;
        if (key == "channel") channel = kv.value().is_string();
        if (key == "data") {
            r.payload = value;
            payload = true;
        } else if (key == "data_b64") {
            auto bytes = codec::json::decode_base64(str(&kv.value()));
            if (!bytes) return std::nullopt;
            r.payload = std::move(*bytes);
            payload = true;
        }
        if (r.json.size() > 1) r.json += ',';
        codec::json::append_json_string(r.json, key);
        r.json += ':';
        r.json += value;
    }
    r.json += '}';
    if (!channel || !payload) return std::nullopt;
    return r;
}

} // namespace

std::optional<received> decode_message_object(std::string_view text) {
    auto v = parse_json(text);
    if (!v || !v->is_object()) return std::nullopt;
    return message_from(v->as_object(), text);
}

std::optional<ws_frame> decode_ws_frame(std::string_view frame) {
    auto v = parse_json(frame);
    if (!v || !v->is_object()) return std::nullopt;
    const auto& obj = v->as_object();
    if (const auto* ok = obj.if_contains("ok"); ok && ok->is_bool()) {
        reply r;
        r.ok = ok->as_bool();
        r.text = frame;
        if (const auto* id = obj.if_contains("id"); id && id->is_int64()) r.id = id->as_int64();
        const auto* err = obj.if_contains("error");
        if (const auto* e = err ? err->if_object() : nullptr) {
            if (const auto* c = e->if_contains("code"); c && c->is_int64()) r.code = static_cast<unsigned>(c->as_int64());
            r.message = str(e->if_contains("message"));
        }
        return r;
    }
    std::string op(str(obj.if_contains("op")));
    if (op == "message") {
        if (auto m = message_from(obj, frame)) return std::move(*m);
    }
    return other_frame{std::move(op)};
}

namespace {

/// The message objects of the `"messages"` array of `obj` (parsed from `body`), each with its
/// members' text as sent; nullopt when the array is missing or a message is not one.
std::optional<std::vector<received>> messages_of(const bj::object& obj, std::string_view body) {
    const auto* msgs = obj.if_contains("messages");
    const auto* arr = msgs ? msgs->if_array() : nullptr;
    if (!arr) return std::nullopt;
    // The array's raw text: find it among the members, in the same order as `obj`.
    auto raw = codec::json::member_values(body);
    if (!raw || raw->size() != obj.size()) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(obj.find("messages") - obj.begin());
    auto texts = codec::json::element_values((*raw)[at]);
    if (!texts || texts->size() != arr->size()) return std::nullopt;
    std::vector<received> out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* m = (*arr)[i].if_object();
        auto rm = m ? message_from(*m, (*texts)[i]) : std::nullopt;
        if (!rm) return std::nullopt;
        out.push_back(std::move(*rm));
    }
    return out;
}

} // namespace

std::optional<poll_reply> decode_poll_reply(std::string_view body) {
    auto v = parse_json(body);
    if (!v || !v->is_object()) return std::nullopt;
    const auto& obj = v->as_object();
    const auto* cursor = obj.if_contains("cursor");
    if (!cursor || !cursor->is_string()) return std::nullopt;
    auto messages = messages_of(obj, body);
    if (!messages) return std::nullopt;
    poll_reply r;
    r.messages = std::move(*messages);
    r.cursor = str(cursor);
    if (const auto* rec = obj.if_contains("recovered"); rec && rec->is_bool()) r.recovered = rec->as_bool();
    r.reason = str(obj.if_contains("reason"));
    return r;
}

std::optional<history_reply> decode_history_reply(std::string_view text) {
    auto v = parse_json(text);
    if (!v || !v->is_object()) return std::nullopt;
    const auto& obj = v->as_object();
    const auto* next = obj.if_contains("next");
    const auto* complete = obj.if_contains("complete");
    if (!next || !(next->is_string() || next->is_null()) || !complete || !complete->is_bool()) return std::nullopt;
    auto messages = messages_of(obj, text);
    if (!messages) return std::nullopt;
    history_reply r;
    r.messages = std::move(*messages);
    if (next->is_string()) r.next = std::string(str(next));
    r.complete = complete->as_bool();
    r.reason = str(obj.if_contains("reason"));
    return r;
}

std::string describe_http_error(unsigned status, std::string_view body) {
    std::string out = "HTTP " + std::to_string(status);
    auto v = parse_json(body);
    const auto* obj = v ? v->if_object() : nullptr;
    const auto* err = obj ? obj->if_contains("error") : nullptr;
    const auto* e = err ? err->if_object() : nullptr;
    if (e && e->if_contains("message")) return out + ": " + std::string(str(e->if_contains("message")));
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
    if (body.empty()) return out;
    return out + ": " + std::string(body.substr(0, 200));
}

std::string reset_reason(std::string_view data) {
    auto v = parse_json(data);
    const auto* obj = v ? v->if_object() : nullptr;
    if (const auto* r = obj ? obj->if_contains("reason") : nullptr; r && r->is_string()) return std::string(r->as_string());
    return std::string(data);
}

} // namespace runnel::client_cli
