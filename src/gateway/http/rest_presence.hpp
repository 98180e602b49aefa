#pragma once
// REST presence: `GET /v1/channels/{channel}/presence` (here-now), `GET`/`PUT .../presence/state`,
// `POST .../presence/leave` (an HTTP client leaves) and
// `GET /v1/clients/{id}/channels` (where-now), answered by the node's presence hub.
#include "responses.hpp"

#include "runnel/gateway/http/server.hpp"
#include "runnel/net/transport.hpp"

#include <boost/asio/awaitable.hpp>

namespace runnel::gateway::http {

bool is_presence_rest(const request_t& req);
/// `worker`: the calling coroutine's worker (the hub answers there).
boost::asio::awaitable<response> handle_presence_rest(http_context& ctx, const request_t& req,
                                                      const net::transport& peer, std::size_t worker);

} // namespace runnel::gateway::http
