#pragma once
/// Replies to requests: `{"id":<id>,"ok":true,...}` built field by field, and the error shapes
/// `{"id":<id>,"ok":false,"error":{"code":N,"message":".."}}` (WebSocket) and
/// `{"error":{"code":N,"message":".."}}` (HTTP body). Ids are the JSON text kept by
/// decode_request, echoed as is.
/// Affinity: values; safe on any thread. Not thread-safe to share one builder.
#include "runnel/codec/json/request.hpp"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runnel::codec::json {

/// Builds a success reply: `reply_ok(id).field("recovered", true).str()`. Field names are
/// escaped like values; the caller keeps them unique and away from "id" and "ok".
class reply_ok {
public:
    explicit reply_ok(std::string_view id_json);

    reply_ok& field(std::string_view name, std::string_view value);
    reply_ok& field(std::string_view name, const char* value) {
        return field(name, std::string_view(value));
    }
    /// bool as true/false, other integers as JSON numbers.
    template <std::integral T>
    reply_ok& field(std::string_view name, T value) {
        if constexpr (std::same_as<T, bool>) return raw_field(name, value ? "true" : "false");
        else if constexpr (std::signed_integral<T>) return int_field(name, value);
        else return uint_field(name, value);
    }
    /// `json` must already be valid JSON text (an object or array built by the caller).
    reply_ok& raw_field(std::string_view name, std::string_view json);
    /// `members` must be valid JSON object members (`"a":1,"b":[]`), non-empty.
    reply_ok& raw_members(std::string_view members);

    std::string str() const& { return out_ + '}'; }
    std::string str() && {
        out_ += '}';
        return std::move(out_);
    }

private:
    reply_ok& int_field(std::string_view name, std::int64_t value);
    reply_ok& uint_field(std::string_view name, std::uint64_t value);
    void begin_field(std::string_view name);

    std::string out_;
};

/// `{"id":..,"ok":false,"error":{..}}`; without an id: `{"ok":false,"error":{..}}`.
std::string encode_error(std::optional<std::string_view> id_json, std::uint16_t code,
                         std::string_view message);

inline std::string encode_error(const request_error& e) {
    return encode_error(e.id ? std::optional<std::string_view>(*e.id) : std::nullopt, e.code,
                        e.message);
}

/// The HTTP error body `{"error":{"code":N,"message":".."}}`.
std::string encode_http_error(std::uint16_t code, std::string_view message);

} // namespace runnel::codec::json
