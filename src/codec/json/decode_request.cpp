// decode_request: size check, Boost.JSON parse (depth-limited, into a stack buffer), the id,
// then the op's own decoder. Errors found after a valid id carry that id.
#include "decode_detail.hpp"

#include "runnel/codec/json/text.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <limits>

namespace runnel::codec::json {

namespace {

using detail::bj::value;

struct op_entry {
    std::string_view name;
    bool (*decode)(detail::frame_fields&, command&);
};

constexpr std::array<op_entry, 9> ops{{
    {"connect", detail::decode_connect},
    {"subscribe", detail::decode_subscribe},
    {"unsubscribe", detail::decode_unsubscribe},
    {"publish", detail::decode_publish},
    {"ping", detail::decode_ping},
    {"history", detail::decode_history},
    {"presence", detail::decode_presence},
    {"state", detail::decode_state},
    {"refresh", detail::decode_refresh},
}};

request_error bad(std::string message, std::optional<std::string> id = std::nullopt) {
    return request_error{std::move(id), status::bad_request, std::move(message)};
}

// The id as JSON text to echo: an integer >= 0, or a string of 1..max_id_bytes bytes.
std::optional<std::string> id_json(const value& v, const limits& lim) {
    if (auto n = v.if_int64(); n && *n >= 0) return std::to_string(*n);
    if (const auto* s = v.if_string(); s && !s->empty() && s->size() <= lim.max_id_bytes) {
        std::string out;
        append_json_string(out, *s);
        return out;
    }
    return std::nullopt;
}

std::variant<request, request_error> decode_object(std::string_view frame,
                                                   const detail::bj::object& obj,
                                                   const limits& lim) {
    const value* id_v = obj.if_contains("id");
    auto id = id_v ? id_json(*id_v, lim) : std::nullopt;
    if (!id)
        return bad("\"id\" must be an integer >= 0 or a string of 1.." +
                   std::to_string(lim.max_id_bytes) + " bytes");
    // Boost keeps the last of duplicate keys; "data" is read from the frame text, so which
    // member a key means must not be ambiguous.
    auto raw = member_values(frame);
    if (!raw || raw->size() != obj.size()) return bad("duplicate keys in the request", id);
    const value* op_v = obj.if_contains("op");
    const auto* op = op_v ? op_v->if_string() : nullptr;
    if (!op) return bad("\"op\" must be a string", id);
    for (const op_entry& e : ops) {
        if (e.name != *op) continue;
        request req{std::move(*id), ping_cmd{}};
        detail::frame_fields fields(obj, *raw, lim);
        if (e.decode(fields, req.cmd)) return req;
        fields.error()->id = std::move(req.id);
        return std::move(*fields.error());
    }
    std::string shown;
    append_json_string(shown, std::string_view(*op).substr(0, 64));
    return request_error{std::move(id), status::not_implemented, "unknown op " + shown};
}

} // namespace

std::variant<request, request_error> decode_request(std::string_view frame, const limits& lim) {
    if (frame.size() > lim.max_frame_bytes)
        return request_error{std::nullopt, status::payload_too_large,
                             "frame longer than " + std::to_string(lim.max_frame_bytes) + " bytes"};
    detail::bj::parse_options opts; // strict RFC 8259, UTF-8 checked
    opts.max_depth = lim.max_depth;
    std::array<unsigned char, 4096> buf;
    detail::bj::monotonic_resource mr(buf.data(), buf.size());
    detail::bj::error_code ec;
    value v = detail::bj::parse(frame, ec, &mr, opts);
    if (ec == detail::bj::error::too_deep)
        return bad("nested deeper than " + std::to_string(lim.max_depth) + " levels");
    if (ec) return bad("malformed JSON: " + ec.message());
    const auto* obj = v.if_object();
    if (!obj) return bad("a request must be a JSON object");
    return decode_object(frame, *obj, lim);
}

} // namespace runnel::codec::json
