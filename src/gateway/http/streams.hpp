#pragma once
// Long-poll (`GET /v1/subscribe`) and SSE (`GET /v1/stream`): both read the channel buffers
// from a cursor and wait on a channel_watch for more. docs/protocol.md has the wire format.
#include "responses.hpp"

#include "runnel/net/transport.hpp"

#include <chrono>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace runnel::gateway::http {

class channel_watch;

constexpr std::string_view long_poll_path = "/v1/subscribe";
constexpr std::string_view sse_path = "/v1/stream";

/// The identity a long-poll or SSE request acts as, or the refusal when it may not proceed
/// (method, shutdown, origin, credentials: a 401 is counted). Grants are checked once the
/// filters are read (stream_grants).
std::variant<auth::identity, response> check_stream_request(http_context& ctx, const request_t& req, const net::transport& peer);
/// The 403 (counted) when `who` may not subscribe to one of `filters`, or nullopt.
std::optional<response> stream_grants(http_context& ctx, const request_t& req, const auth::identity& who,
                                      const std::vector<std::string>& filters);
/// A long-poll's or stream's end for its token: the revocation that cut `watch` (may be null)
/// or the token's expiry: the reason ("token revoked", "token expired"); nullopt while the
/// token holds.
std::optional<std::string> token_ended(const channel_watch* watch,
                                       std::chrono::steady_clock::time_point expiry);

/// The connection a long-poll or SSE request came on: `keep` holds the transport's owner alive
/// for a peer watch (channel_watch::watch_peer) that may outlast the request.
struct stream_peer {
    net::transport& t;
    std::shared_ptr<void> keep;
};

/// 429 for a long-poll or stream past http.max_streams.
response too_many_streams(bool keep_alive);

/// Answers one long-poll request (the connection stays usable afterwards).
boost::asio::awaitable<response> handle_long_poll(http_context& ctx, const request_t& req, std::size_t worker,
                                                  stream_peer peer);

/// Streams events to the peer until the client leaves, a write stalls past
/// `http.idle_timeout`, or the node stops. The connection is done afterwards.
boost::asio::awaitable<void> serve_sse(http_context& ctx, const request_t& req, stream_peer peer, std::size_t worker);

} // namespace runnel::gateway::http
