#pragma once
/// Error codes of the JSON protocol and the HTTP API. They are HTTP status numbers so one table
/// serves WebSocket replies (`"error": {"code": N}`) and HTTP responses (status N) alike;
/// docs/protocol.md ("JSON protocol over WebSocket") says which condition yields which code.
/// The codec produces 400, 413, 422 and 501; the gateways add the others.
#include <cstdint>

namespace runnel::codec::json::status {

constexpr std::uint16_t bad_request = 400;       // not a request: syntax, shape, types, ranges
constexpr std::uint16_t unauthorized = 401;      // token missing, invalid or expired (gateway)
constexpr std::uint16_t forbidden = 403;         // no grant for the channel and action (gateway)
constexpr std::uint16_t payload_too_large = 413; // frame longer than limits::max_frame_bytes
constexpr std::uint16_t unprocessable = 422;     // well-formed, but a channel is invalid
constexpr std::uint16_t too_many_requests = 429; // rate or quota limit (gateway)
constexpr std::uint16_t internal_error = 500;    // server fault (gateway)
constexpr std::uint16_t not_implemented = 501;   // unknown op, or one not served yet
constexpr std::uint16_t unavailable = 503;       // shutting down, overloaded (gateway)

} // namespace runnel::codec::json::status
