#pragma once
// REST endpoints of the HTTP listener: `POST /v1/channels/{channel}/messages` (publish) and
// `GET` of the same path (history, rest_history.cpp).
#include "responses.hpp"
#include "rest_request.hpp" // is_rest

#include <boost/asio/awaitable.hpp>

namespace runnel::gateway::http {

/// Answers a REST request; publishes wait for routing before the answer. `publish_bucket` is
/// the connection's (limits.publish_rate).
boost::asio::awaitable<response> handle_rest(http_context& ctx, const request_t& req, bool loopback,
                                             limits::token_bucket& publish_bucket);
/// Answers a history request for `channel` (percent-decoded, not yet validated).
boost::asio::awaitable<response> handle_history(http_context& ctx, const request_t& req, std::string channel);

} // namespace runnel::gateway::http
