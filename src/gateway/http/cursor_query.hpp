#pragma once
// The query of `GET /v1/subscribe` (long-poll) and `GET /v1/stream` (SSE): channel filters,
// cursor, timeout, limit. docs/protocol.md has the table.
#include "responses.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace runnel::gateway::http {

struct cursor_query {
    std::vector<std::string> filters;
    std::optional<std::uint64_t> cursor;
    std::chrono::seconds timeout{30};
    std::size_t limit = 100;
    /// `client_id`: names the poller for presence (a token's subject wins); empty = none.
    std::string client_id;
    /// `presence=1|true|0|false`: the presence choice for every filter of the request
    /// (presence::presence_enabled); nullopt = none (exact channels on, wildcards off).
    std::optional<bool> presence;
};

constexpr std::size_t max_query_channels = 64;
constexpr std::chrono::seconds max_poll_timeout{300};
constexpr std::size_t max_poll_limit = 1000;

/// A decimal query value (digits only, fits 64 bits), or nullopt.
std::optional<std::uint64_t> parse_uint(std::string_view s);

/// The query of `req`, or the 400/422 answer naming what is wrong (429 for more channels than
/// `guard`'s limits.max_subscriptions, counted). `Last-Event-ID` (SSE) wins over `?cursor=`.
std::variant<cursor_query, response> read_cursor_query(const request_t& req, const core::topic_limits& topics,
                                                       limits::guard* guard);

} // namespace runnel::gateway::http
