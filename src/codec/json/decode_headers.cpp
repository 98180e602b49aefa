// "headers" of a publish: {"content-type": "..", "<name>": "<value>" | ["<v1>", "<v2>"], ...}.
// Reserved names fill message fields; every other name becomes user properties in frame order.
#include "decode_detail.hpp"

#include "runnel/codec/json/text.hpp"

namespace runnel::codec::json::detail {

namespace {

bool bad(frame_fields& f, std::string message) {
    return f.fail(status::bad_request, "\"headers\": " + std::move(message));
}

// Header names and values are MQTT strings: at most 65535 bytes, no NUL.
bool mqtt_string_size(frame_fields& f, std::string_view s, std::string_view what) {
    if (s.size() <= f.lim().max_header_bytes) return true;
    return bad(f, std::string(what) + " longer than " +
                      std::to_string(f.lim().max_header_bytes) + " bytes");
}

bool mqtt_string(frame_fields& f, std::string_view s, std::string_view what) {
    if (!mqtt_string_size(f, s, what)) return false;
    if (!core::valid_mqtt_utf8(s)) return bad(f, std::string(what) + " contains NUL");
    return true;
}

bool header_value(frame_fields& f, const bj::value& v, std::string_view name, std::string& out) {
    const auto* s = v.if_string();
    if (!s) return bad(f, "\"" + std::string(name.substr(0, 64)) + "\" must be a string");
    if (!mqtt_string(f, *s, "a value")) return false;
    out.assign(s->data(), s->size());
    return true;
}

bool user_header(frame_fields& f, std::string_view name, const bj::value& v, headers& out) {
    if (!mqtt_string(f, name, "a name")) return false;
    const auto* a = v.if_array();
    if (!a) {
        auto& p = out.user_properties.emplace_back(core::user_property{std::string(name), {}});
        return header_value(f, v, name, p.value);
    }
    for (const bj::value& item : *a) {
        auto& p = out.user_properties.emplace_back(core::user_property{std::string(name), {}});
        if (!item.is_string())
            return bad(f, "\"" + std::string(name.substr(0, 64)) +
                              "\" must be a string or an array of strings");
        if (!header_value(f, item, name, p.value)) return false;
    }
    return true;
}

// The limit applies to the decoded bytes: they are what an MQTT property carries.
bool correlation_b64(frame_fields& f, const bj::value& v, headers& out) {
    const auto* s = v.if_string();
    auto bytes = s ? decode_base64(*s) : std::nullopt;
    if (!bytes) return bad(f, "\"correlation-data-b64\" is not valid base64");
    if (!mqtt_string_size(f, *bytes, "\"correlation-data-b64\"")) return false;
    out.correlation_data = std::move(*bytes);
    return true;
}

bool one_header(frame_fields& f, std::string_view name, const bj::value& v, headers& out) {
    if (name == "content-type") return header_value(f, v, name, out.content_type.emplace());
    if (name == "correlation-data") return header_value(f, v, name, out.correlation_data.emplace());
    if (name == "correlation-data-b64") return correlation_b64(f, v, out);
    if (name != "response-topic") return user_header(f, name, v, out);
    if (!header_value(f, v, name, out.response_topic.emplace())) return false;
    if (core::validate_topic_name(*out.response_topic, f.lim().topic) != errc::ok)
        return f.fail(status::unprocessable, "invalid channel in \"response-topic\"");
    return true;
}

} // namespace

bool opt_headers(frame_fields& f, headers& out) {
    const bj::value* v = f.find("headers");
    if (!v) return true;
    const auto* o = v->if_object();
    if (!o) return f.fail(status::bad_request, "\"headers\" must be an object");
    if (o->contains("correlation-data") && o->contains("correlation-data-b64"))
        return bad(f, "both \"correlation-data\" and \"correlation-data-b64\"");
    for (const auto& kv : *o)
        if (!one_header(f, kv.key(), kv.value(), out)) return false;
    return true;
}

} // namespace runnel::codec::json::detail
