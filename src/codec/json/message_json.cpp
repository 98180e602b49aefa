// core::message <-> JSON protocol message objects. The push side appends straight into one
// string: it runs once per message on the fan-out path, so no value trees.
#include "runnel/codec/json/message_json.hpp"

#include "runnel/codec/json/text.hpp"
#include "runnel/core/topic.hpp"

#include <string_view>
#include <unordered_map>
#include <vector>

namespace runnel::codec::json {

namespace {

constexpr std::size_t none = static_cast<std::size_t>(-1);

bool reserved_header(std::string_view name) noexcept {
    return name == "content-type" || name == "response-topic" || name == "correlation-data" ||
           name == "correlation-data-b64";
}

// next[i]: the next property named like property i, or `none`; first[i]: no earlier one is.
// Quadratic for the usual handful of properties, hashed when a peer sends many.
void link_same_names(const std::vector<core::user_property>& props, std::vector<std::size_t>& next,
                     std::vector<bool>& first) {
    const std::size_t n = props.size();
    next.assign(n, none);
    first.assign(n, true);
    if (n <= 16) {
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (props[j].name != props[i].name) continue;
                next[i] = j;
                break;
            }
            if (next[i] != none) first[next[i]] = false;
        }
        return;
    }
    std::unordered_map<std::string_view, std::size_t> last;
    last.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto [it, inserted] = last.try_emplace(props[i].name, i);
        if (inserted) continue;
        next[it->second] = i;
        first[i] = false;
        it->second = i;
    }
}

void append_user_properties(std::string& out, const std::vector<core::user_property>& props,
                            bool& any) {
    std::vector<std::size_t> next;
    std::vector<bool> first;
    link_same_names(props, next, first);
    for (std::size_t i = 0; i < props.size(); ++i) {
        if (!first[i] || reserved_header(props[i].name)) continue;
        out += any ? "," : "";
        any = true;
        append_json_string(out, props[i].name);
        out += ':';
        if (next[i] == none) {
            append_json_string(out, props[i].value);
            continue;
        }
        out += '[';
        for (std::size_t j = i; j != none; j = next[j]) {
            if (j != i) out += ',';
            append_json_string(out, props[j].value);
        }
        out += ']';
    }
}

void append_headers(std::string& out, const core::message& m) {
    if (!m.content_type && !m.response_topic && !m.correlation_data && m.user_properties.empty())
        return;
    const std::size_t start = out.size();
    out += ",\"headers\":{";
    bool any = false;
    auto key = [&](std::string_view quoted_key) {
        out += any ? "," : "";
        any = true;
        out += quoted_key;
    };
    if (m.content_type) {
        key("\"content-type\":");
        append_json_string(out, *m.content_type);
    }
    if (m.response_topic) {
        key("\"response-topic\":");
        append_json_string(out, *m.response_topic);
    }
    if (m.correlation_data && core::valid_mqtt_utf8(*m.correlation_data)) {
        key("\"correlation-data\":");
        append_json_string(out, *m.correlation_data);
    } else if (m.correlation_data) {
        key("\"correlation-data-b64\":\"");
        append_base64(out, *m.correlation_data);
        out += '"';
    }
    append_user_properties(out, m.user_properties, any);
    if (any) out += '}';
    else out.resize(start); // only reserved-name user properties: nothing to show
}

void append_cursor(std::string& out, const core::cursor& c) {
    out += ",\"offset\":";
    out += std::to_string(c.offset);
    out += ",\"epoch\":\"";
    out += core::epoch_string(c.epoch);
    out += "\",\"tt\":\"";
    out += core::tt_string(c.tt);
    out += '"';
}

} // namespace

void append_message_json(std::string& out, const core::message& m, bool with_op, bool retained) {
    out.reserve(out.size() + 96 + m.topic.size() + (m.payload.size() + 2) / 3 * 4 +
                m.origin_client.size());
    out += with_op ? "{\"op\":\"message\",\"channel\":" : "{\"channel\":";
    append_json_string(out, m.topic);
    if (is_json_text(m.payload, max_data_depth)) {
        out += ",\"data\":";
        out += m.payload;
    } else {
        out += ",\"data_b64\":\"";
        append_base64(out, m.payload);
        out += '"';
    }
    if (m.cur.stamped()) append_cursor(out, m.cur);
    if (retained) out += ",\"retained\":true";
    if (!m.origin_client.empty()) {
        out += ",\"from\":";
        append_json_string(out, m.origin_client);
    }
    append_headers(out, m);
    out += '}';
}

core::message message_from_publish(publish_cmd cmd, std::string origin_client) {
    core::message m;
    m.topic = std::move(cmd.channel);
    m.payload = std::move(cmd.payload);
    m.qos = cmd.qos.value_or(0);
    m.retain = cmd.retain.value_or(false);
    if (cmd.payload_is_json) m.payload_format = 1;
    m.content_type = std::move(cmd.headers.content_type);
    if (!m.content_type && cmd.payload_is_json) m.content_type = "application/json";
    m.response_topic = std::move(cmd.headers.response_topic);
    m.correlation_data = std::move(cmd.headers.correlation_data);
    m.user_properties = std::move(cmd.headers.user_properties);
    m.origin_client = std::move(origin_client);
    m.idempotency_key = std::move(cmd.idempotency_key).value_or(std::string());
    return m;
}

} // namespace runnel::codec::json
