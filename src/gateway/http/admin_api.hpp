#pragma once
// The admin API (`/admin/v1/...` on the admin listener): who may call it, and the revocation
// requests. parse_revocation is pure (fuzzed with the HTTP request handling).
#include "responses.hpp"
#include "runnel/gateway/http/admin.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace runnel::gateway::http {

/// `{"jti": "...", "exp": S?}`, `{"sub": "...", "before": S?}` (default now) or `{"kid": "..."}`.
/// Sets the entry's expiry from max_token_ttl and clock_skew. nullopt + `error` for a 400.
std::optional<auth::revocation> parse_revocation(std::string_view body, std::int64_t now, std::int64_t max_token_ttl,
                                                 std::int64_t clock_skew, std::string& error);
std::string revocation_json(const auth::revocation& r);

/// Answers a request under /admin/v1/ (401 without a valid token, 403 without `admin`).
boost::asio::awaitable<response> answer_admin_api(admin_context& ctx, const request_t& req, bool loopback);

} // namespace runnel::gateway::http
