// One decoder per op: the list of fields each op reads. Unknown members are ignored, so
// clients may send fields a newer server understands.
#include "decode_detail.hpp"

#include "runnel/codec/json/text.hpp"

#include <limits>

namespace runnel::codec::json::detail {

namespace {
constexpr std::uint64_t u32_max = std::numeric_limits<std::uint32_t>::max();
}

bool decode_connect(frame_fields& f, command& out) {
    auto& c = out.emplace<connect_cmd>();
    std::optional<std::uint64_t> version;
    if (!opt_string(f, "client_id", f.lim().max_token_bytes, c.client_id) ||
        !opt_string(f, "token", f.lim().max_token_bytes, c.token) ||
        !opt_uint(f, "version", 1, u32_max, version))
        return false;
    // The client id is the "from" of what it publishes and may meet MQTT, which forbids NUL.
    if (c.client_id && !core::valid_mqtt_utf8(*c.client_id))
        return f.fail(status::bad_request, "\"client_id\" contains NUL");
    if (version) c.version = static_cast<std::uint32_t>(*version);
    return true;
}

bool decode_subscribe(frame_fields& f, command& out) {
    auto& c = out.emplace<subscribe_cmd>();
    return need_channel_filter(f, c.channel) && opt_position(f, "since", c.since) &&
           opt_bool(f, "presence", c.options.presence);
}

bool decode_unsubscribe(frame_fields& f, command& out) {
    return need_channel_filter(f, out.emplace<unsubscribe_cmd>().channel);
}

bool decode_publish(frame_fields& f, command& out) {
    auto& c = out.emplace<publish_cmd>();
    std::optional<std::uint64_t> qos;
    if (!need_channel_name(f, c.channel) || !opt_headers(f, c.headers) ||
        !opt_string(f, "idempotency_key", f.lim().max_token_bytes, c.idempotency_key) ||
        !opt_uint(f, "qos", 0, 2, qos) || !opt_bool(f, "retain", c.retain))
        return false;
    if (qos) c.qos = static_cast<std::uint8_t>(*qos);
    const bj::value* b64 = f.find("data_b64");
    const bool has_data = f.find("data") != nullptr;
    if (has_data && b64) return f.fail(status::bad_request, "both \"data\" and \"data_b64\"");
    if (has_data) {
        // The text as sent: re-serializing would rewrite numbers (12.5 -> 1.25E1) and round
        // integers beyond 2^64; verbatim keeps the bytes, and MQTT subscribers see them.
        c.payload = f.raw("data");
        c.payload_is_json = true;
        return true;
    }
    if (!b64) return f.fail(status::bad_request, "missing \"data\" or \"data_b64\"");
    const auto* s = b64->if_string();
    auto bytes = s ? decode_base64(*s) : std::nullopt;
    if (!bytes) return f.fail(status::bad_request, "\"data_b64\" must be a base64 string");
    c.payload = std::move(*bytes);
    return true;
}

bool decode_ping(frame_fields&, command& out) {
    out.emplace<ping_cmd>();
    return true;
}

bool decode_history(frame_fields& f, command& out) {
    auto& c = out.emplace<history_cmd>();
    std::optional<std::uint64_t> limit;
    std::optional<std::string> order;
    if (!need_channel_name(f, c.channel) || !opt_uint(f, "limit", 1, max_history_limit, limit) ||
        !opt_position(f, "since", c.since, true) || !opt_position(f, "until", c.until, true) ||
        !opt_string(f, "order", 16, order) || !opt_string(f, "page", f.lim().max_token_bytes, c.page))
        return false;
    if (limit) c.limit = static_cast<std::uint32_t>(*limit);
    if (order && *order != "newest" && *order != "oldest")
        return f.fail(status::bad_request, "\"order\" must be \"newest\" or \"oldest\"");
    if (order) c.newest_first = *order == "newest";
    return true;
}

bool decode_presence(frame_fields& f, command& out) {
    auto& c = out.emplace<presence_cmd>();
    if (!f.find("client")) return need_presence_channel(f, c.channel);
    if (f.find("channel")) return f.fail(status::bad_request, "both \"channel\" and \"client\"");
    return opt_string(f, "client", f.lim().max_token_bytes, c.client);
}

bool decode_state(frame_fields& f, command& out) {
    auto& c = out.emplace<state_cmd>();
    if (!need_presence_channel(f, c.channel)) return false;
    const bj::value* v = f.find("state");
    if (!v) return true; // a read
    if (!v->is_object()) return f.fail(status::bad_request, "\"state\" must be an object");
    c.state = f.raw("state");
    return true;
}

bool decode_refresh(frame_fields& f, command& out) {
    return need_string(f, "token", f.lim().max_token_bytes, out.emplace<refresh_cmd>().token);
}

} // namespace runnel::codec::json::detail
