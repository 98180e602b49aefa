#pragma once
// The token an HTTP request presents: `Authorization: Bearer T`, or `?token=T` for browsers
// (EventSource and WebSocket cannot set headers). Pure; fuzzed with the HTTP request target.
#include "responses.hpp"

#include <optional>
#include <string>
#include <variant>

namespace runnel::gateway::http {

struct no_token {};
struct bad_token_syntax {
    std::string message; // for a 401: "Authorization must be Bearer <token>"
};

/// The token, no_token when the request carries none, or bad_token_syntax (another
/// Authorization scheme, an empty token, ?token= repeated or both forms disagreeing).
std::variant<std::string, no_token, bad_token_syntax> request_token(const request_t& req);

} // namespace runnel::gateway::http
