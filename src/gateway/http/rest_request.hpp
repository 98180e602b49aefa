#pragma once
// The pure half of the REST endpoints (rest.cpp, rest_history.cpp): the path, the publish's
// message and the history query read from a parsed request. No Asio, so the HTTP request fuzz
// target (tests/fuzz/http_request_fuzz.cpp) compiles it on its own.
#include "responses.hpp"

#include "runnel/core/message.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/gateway/http/history_request.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace runnel::gateway::http {

/// True when `req` is for a REST endpoint this listener serves (/v1/channels/...).
bool is_rest(const request_t& req);

/// `/v1/channels/{channel}/messages`: the channel as it is in the path (still percent-encoded).
struct rest_route {
    std::string_view encoded_channel; // points into req's target
    bool get = false;                 // GET (history), else POST (publish)
};
/// The route of a REST request, or the 404 (no such path) / 405 (other methods) answer.
std::variant<rest_route, response> route_rest(const request_t& req);
/// The percent-decoded channel (not yet validated), or the 400 answer.
std::variant<std::string, response> decode_channel(std::string_view encoded, bool keep_alive);

/// The message of `POST .../messages` on `channel`, or the refusal (403 $SYS, 422 name, 411,
/// 415, 400 body not JSON under a JSON content type, 400 Idempotency-Key too long).
std::variant<core::message, response> publish_message(const request_t& req, std::string channel,
                                                      const core::topic_limits& topics);

/// The query of `GET .../messages` as history_params for `channel`, or the message of a 400.
std::variant<history_params, std::string> read_history_params(const request_t& req, std::string channel);

} // namespace runnel::gateway::http
