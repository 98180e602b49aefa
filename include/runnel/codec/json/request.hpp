#pragma once
/// Requests of the JSON protocol (WebSocket subprotocol `runnel.json`): one JSON object per text
/// frame in, one `request` value (or a `request_error` to send back) out. Sans-I/O and
/// stateless: no socket, clock or logger, so it is fuzzed directly
/// (tests/fuzz/json_request_fuzz.cpp). The wire format, and which error code each failure
/// gets, is in docs/protocol.md, "JSON protocol over WebSocket".
/// Affinity: free functions over values; safe on any thread. Boost.JSON stays in the .cpp
/// files: these headers use std types only.
#include "runnel/codec/json/status.hpp"
#include "runnel/core/message.hpp"
#include "runnel/core/topic.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runnel::codec::json {

struct limits {
    /// Longest frame accepted; a longer one is refused with 413 before it is parsed.
    std::size_t max_frame_bytes = 1u << 20;
    /// Deepest nesting of objects and arrays, counting the request object itself as 1.
    std::size_t max_depth = 64;
    /// Longest string id, in bytes.
    std::size_t max_id_bytes = 64;
    /// Longest client id, token, epoch or idempotency key, in bytes.
    std::size_t max_token_bytes = 8192;
    /// Longest header name or value: what an MQTT v5 property can carry.
    std::size_t max_header_bytes = 65535;
    core::topic_limits topic;
};

/// The most messages one history request may ask for.
constexpr std::uint32_t max_history_limit = 1000;

/// A place in a channel's log: `{"offset": N, "epoch": "E"}` (one channel; history may leave
/// the epoch out, `epoch` is then empty) or `{"tt": "T"}`.
struct offset_position {
    std::uint64_t offset = 0;
    std::string epoch;
    bool operator==(const offset_position&) const = default;
};
struct time_position {
    std::uint64_t tt = 0;
    bool operator==(const time_position&) const = default;
};
using position = std::variant<offset_position, time_position>;

/// `"headers"` of a publish: the reserved names map to message fields, every other name is a
/// user property, in frame order (a name with an array value gives one property per element).
struct headers {
    std::optional<std::string> content_type;     // "content-type"
    std::optional<std::string> response_topic;   // "response-topic"
    std::optional<std::string> correlation_data; // "correlation-data" or "correlation-data-b64"
    std::vector<core::user_property> user_properties;
    bool operator==(const headers&) const = default;
};

struct connect_cmd {
    std::optional<std::string> client_id;
    std::optional<std::string> token;
    std::optional<std::uint32_t> version; // JSON protocol version the client speaks
    bool operator==(const connect_cmd&) const = default;
};

/// Options accepted now and acted on by later issues.
struct subscribe_options {
    /// Whether the subscription makes its holder a presence member of the channel; unset = the
    /// default (yes for an exact channel; wildcards are never members, docs/presence.md).
    std::optional<bool> presence;
    bool operator==(const subscribe_options&) const = default;
};

struct subscribe_cmd {
    std::string channel; // a filter: `+` and `#` allowed, `$share/{group}/...` too
    std::optional<position> since;
    subscribe_options options;
    bool operator==(const subscribe_cmd&) const = default;
};

struct unsubscribe_cmd {
    std::string channel;
    bool operator==(const unsubscribe_cmd&) const = default;
};

struct publish_cmd {
    std::string channel;
    /// `"data"`: the value's JSON text exactly as it appeared in the frame; `"data_b64"`: the
    /// decoded bytes.
    std::string payload;
    bool payload_is_json = false;
    json::headers headers;
    std::optional<std::string> idempotency_key;
    std::optional<std::uint8_t> qos;
    std::optional<bool> retain;
    bool operator==(const publish_cmd&) const = default;
};

struct ping_cmd {
    bool operator==(const ping_cmd&) const = default;
};

/// A range of one channel: `since` (exclusive) and `until` (inclusive) take `{"offset": N}`
/// (`"epoch"` optional: the epoch those offsets are of) or `{"tt": "T"}`; `order` is
/// "newest" (the default) or "oldest"; `page` is the `next` token of an earlier reply, which
/// carries the range and order itself.
struct history_cmd {
    std::string channel;
    std::optional<std::uint32_t> limit; // 1..max_history_limit
    std::optional<position> since;
    std::optional<position> until;
    std::optional<bool> newest_first;    // "order"
    std::optional<std::string> page;
    bool operator==(const history_cmd&) const = default;
};

/// here-now of `channel`, or, with `client` (and no channel), where-now: the channels where that
/// member (client id or token subject) is present.
struct presence_cmd {
    std::string channel;
    std::optional<std::string> client;
    bool operator==(const presence_cmd&) const = default;
};

struct state_cmd {
    std::string channel;
    /// A JSON object's text, exactly as in the frame; none = read the state instead of setting it.
    std::optional<std::string> state;
    bool operator==(const state_cmd&) const = default;
};

struct refresh_cmd {
    std::string token;
    bool operator==(const refresh_cmd&) const = default;
};

using command = std::variant<connect_cmd, subscribe_cmd, unsubscribe_cmd, publish_cmd, ping_cmd,
                             history_cmd, presence_cmd, state_cmd, refresh_cmd>;

struct request {
    /// The id as JSON text, ready to echo: `7` or `"a7"` (a string id re-escaped canonically).
    std::string id;
    command cmd;
    bool operator==(const request&) const = default;
};

struct request_error {
    std::optional<std::string> id; // JSON text, when the frame had a valid id
    std::uint16_t code = status::bad_request;
    std::string message;
    bool operator==(const request_error&) const = default;
};

/// Decodes one text frame. Never throws on any input (std::bad_alloc aside).
std::variant<request, request_error> decode_request(std::string_view frame, const limits& lim = {});

} // namespace runnel::codec::json
