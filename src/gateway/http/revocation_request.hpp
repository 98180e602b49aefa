#pragma once
// The body of POST /admin/v1/revocations (pure: no Asio, no Beast; fuzzed by token_fuzz).
#include "runnel/auth/revocations.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::gateway::http {

/// `{"jti": "...", "exp": S?}`, `{"sub": "...", "before": S?}` (default now) or `{"kid": "..."}`.
/// Sets the entry's expiry from max_token_ttl and clock_skew; max_token_ttl 0 means tokens may
/// never expire (auth.require_exp: false), so jti (without exp) and subject entries never do
/// either. nullopt + `error` for a 400.
std::optional<auth::revocation> parse_revocation(std::string_view body, std::int64_t now, std::int64_t max_token_ttl,
                                                 std::int64_t clock_skew, std::string& error);
std::string revocation_json(const auth::revocation& r);

} // namespace runnel::gateway::http
