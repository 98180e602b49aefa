#pragma once
// Long-poll (`GET /v1/subscribe`) and SSE (`GET /v1/stream`): both read the channel buffers
// from a cursor and wait on a channel_watch for more. docs/protocol.md has the wire format.
#include "responses.hpp"

#include "runnel/net/transport.hpp"

#include <boost/asio/awaitable.hpp>

namespace runnel::gateway::http {

constexpr std::string_view long_poll_path = "/v1/subscribe";
constexpr std::string_view sse_path = "/v1/stream";

/// The refusal for a long-poll or SSE request that may not proceed (method, shutdown, origin,
/// credentials), or nullopt.
std::optional<response> check_stream_request(const http_context& ctx, const request_t& req, const net::transport& peer);

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
