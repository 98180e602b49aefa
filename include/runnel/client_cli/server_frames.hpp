#pragma once
/// What the server sends to a JSON-protocol, long-poll or SSE client, decoded for printing:
/// replies to requests, message pushes, long-poll replies and HTTP error bodies
/// (docs/protocol.md). Message objects keep every member's text as sent, so `"data"` reaches
/// stdout byte for byte; only `"op"` is dropped. Sans-I/O: bytes in, values out.
/// Affinity: pure functions; safe on any thread. Boost.JSON stays in the .cpp file.
#include "runnel/client_cli/output.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runnel::client_cli {

/// `{"id":N,"ok":true,...}` or `{"id":N,"ok":false,"error":{"code":C,"message":".."}}`.
struct reply {
    std::optional<std::int64_t> id; // this client sends integer ids; absent when not one
    bool ok = false;
    unsigned code = 0; // the error code when !ok
    std::string message;
    std::string text; // the frame, for -v
};

/// A push this client does not print (presence), or a frame of no known shape.
struct other_frame {
    std::string op;
};

using ws_frame = std::variant<reply, received, other_frame>;

/// One WebSocket text frame; nullopt when it is not a JSON object.
std::optional<ws_frame> decode_ws_frame(std::string_view frame);

/// A message object, with or without `"op"`: needs `"channel"` and `"data"` or `"data_b64"`.
std::optional<received> decode_message_object(std::string_view text);

/// `{"messages":[..],"cursor":"..","recovered":bool,"reason":".."}`.
struct poll_reply {
    std::vector<received> messages;
    std::string cursor;
    std::optional<bool> recovered;
    std::string reason;
};

/// nullopt when the body is not that shape (a message that is not one fails it too).
std::optional<poll_reply> decode_poll_reply(std::string_view body);

/// A history page, from the REST body or the JSON `history` reply (`{"id":..,"ok":true,...}`):
/// `{"messages":[..],"next":".."|null,"complete":bool,"reason":".."}`.
struct history_reply {
    std::vector<received> messages;
    std::optional<std::string> next;
    bool complete = true;
    std::string reason;
};

/// nullopt when the text is not that shape.
std::optional<history_reply> decode_history_reply(std::string_view text);

/// "HTTP 422: invalid channel name (...)" from a status and an error body
/// `{"error":{"code":N,"message":".."}}`; any other body is shown as text, cut to 200 bytes.
std::string describe_http_error(unsigned status, std::string_view body);

/// The `"reason"` of an SSE `reset` event's data (`{"recovered":false,"reason":".."}`), or the
/// data itself when it has none.
std::string reset_reason(std::string_view data);

} // namespace runnel::client_cli
