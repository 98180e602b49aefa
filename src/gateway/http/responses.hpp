#pragma once
// Plain HTTP answers of the HTTP listener: routing of non-upgrade requests, JSON errors, CORS
// and Origin policy, serialization.
#include "runnel/gateway/http/server.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace runnel::gateway::http {

using response = boost::beast::http::response<boost::beast::http::string_body>;
using request_t = boost::beast::http::request<boost::beast::http::string_body>;

/// 200 with a JSON body (Server, Content-Type, the request's keep-alive).
response json_ok(const request_t& req, std::string body);
/// `{"error": {"code": N, "message": "..."}}` with status N.
response json_error(unsigned status, std::string_view message, bool keep_alive = false);
/// 400 for malformed requests, 413 for header or body limits, 411 / 501 where they apply.
response parse_error_response(const boost::system::error_code& ec);
std::string serialize(const response& res);
/// The request path without the query string.
std::string_view target_path(const request_t& req);
/// Whether `origin` may use this listener (http.cors_origins; same host as the request's Host).
bool origin_allowed(const http_context& ctx, const request_t& req);
/// Adds Access-Control-Allow-Origin (and Vary) when the request's Origin is allowed cross-origin.
void add_cors(const http_context& ctx, const request_t& req, response& res);
/// A refusal for a WebSocket upgrade (Origin, missing subprotocol), or nullopt to accept.
std::optional<response> check_upgrade(const http_context& ctx, const request_t& req, std::string_view subprotocol);
/// The MQTT subprotocol to echo ("mqtt", or "mqttv3.1" for old clients), empty if none offered.
std::string choose_mqtt_subprotocol(std::string_view offered);
/// "runnel.json" when offered; empty (no header) when the client offered none; "" + refusal
/// is check_upgrade's job when it offered only others.
std::string choose_json_subprotocol(std::string_view offered);
/// Answers a non-upgrade request: /healthz, /readyz, CORS preflight, 404, 405.
response route(http_context& ctx, const request_t& req);

} // namespace runnel::gateway::http
