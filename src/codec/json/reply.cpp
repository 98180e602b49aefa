// Replies: success objects built field by field, and the two error shapes.
#include "runnel/codec/json/reply.hpp"

#include "runnel/codec/json/text.hpp"

namespace runnel::codec::json {

namespace {

void append_error_object(std::string& out, std::uint16_t code, std::string_view message) {
    out += "\"error\":{\"code\":";
    out += std::to_string(code);
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}}";
}

} // namespace

reply_ok::reply_ok(std::string_view id_json) {
    out_.reserve(32 + id_json.size());
    out_ += "{\"id\":";
    out_ += id_json;
    out_ += ",\"ok\":true";
}

void reply_ok::begin_field(std::string_view name) {
    out_ += ',';
    append_json_string(out_, name);
    out_ += ':';
}

reply_ok& reply_ok::field(std::string_view name, std::string_view value) {
    begin_field(name);
    append_json_string(out_, value);
    return *this;
}

reply_ok& reply_ok::raw_field(std::string_view name, std::string_view json) {
    begin_field(name);
    out_ += json;
    return *this;
}

reply_ok& reply_ok::raw_members(std::string_view members) {
    out_ += ',';
    out_ += members;
    return *this;
}

reply_ok& reply_ok::int_field(std::string_view name, std::int64_t value) {
    return raw_field(name, std::to_string(value));
}

reply_ok& reply_ok::uint_field(std::string_view name, std::uint64_t value) {
    return raw_field(name, std::to_string(value));
}

std::string encode_error(std::optional<std::string_view> id_json, std::uint16_t code,
                         std::string_view message) {
    std::string out;
    out.reserve(64 + message.size());
    out += '{';
    if (id_json) {
        out += "\"id\":";
        out += *id_json;
        out += ',';
    }
    out += "\"ok\":false,";
    append_error_object(out, code, message);
    return out;
}

std::string encode_http_error(std::uint16_t code, std::string_view message) {
    std::string out = "{";
    append_error_object(out, code, message);
    return out;
}

} // namespace runnel::codec::json
