#pragma once
// Who an HTTP request (or a JSON session) is and whether it may act: the token from
// `Authorization: Bearer` or `?token=`, anonymous access when the authenticator allows it, the
// grant a channel action needs, and when a token's session must end. docs/auth.md, "Denials".
// Pure decisions over values (the clock is a parameter); the gateways turn a denial into their
// own words: an HTTP status, a JSON error, an SSE event.
#include "responses.hpp"

#include "runnel/auth/authenticator.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace runnel::gateway::http {

struct denial {
    unsigned status = 401;       // 401: credentials; 403: a grant is missing; 400: a malformed query
    std::string message;         // for the client: "token expired", "no publish grant for chat/1"
    std::string_view action = "connect"; // runnel_auth_denied_total's label

    /// Whether it counts in runnel_auth_denied_total (a malformed request is no auth denial).
    bool counted() const noexcept { return status == 401 || status == 403; }
};

/// The identity `req` presents: its token (Bearer or ?token=), or anonymous when the
/// authenticator allows it for this peer. A 401 denial otherwise (bad token syntax, bad,
/// expired or revoked token, anonymous off); 400 for a query string that does not decode (no
/// one can tell whether it held a token). `now` is Unix time, for the expiry check.
std::variant<auth::identity, denial> identify(const auth::authenticator& authn, const request_t& req, bool loopback,
                                              std::chrono::system_clock::time_point now);
/// The same for a token (or none) a client presented some other way (JSON `connect`).
std::variant<auth::identity, denial> identify_token(const auth::authenticator& authn,
                                                    std::optional<std::string> token, bool loopback,
                                                    std::chrono::system_clock::time_point now);

/// The filter a grant must cover: `$share/{group}/{filter}` is checked as `{filter}`.
std::string_view grant_filter(std::string_view filter) noexcept;
/// "no publish grant for chat/1".
std::string no_grant_message(auth::action a, std::string_view channel);

/// nullopt when `who` may take `a` on every one of `channels` (channel names, or filters for
/// subscribe: one granted pattern must cover each whole filter), else the 403 naming the first
/// channel it may not.
std::optional<denial> authorize(const auth::identity& who, auth::action a, std::span<const std::string> channels);
std::optional<denial> authorize(const auth::identity& who, auth::action a, std::string_view channel);

/// When `who`'s session ends (its token's exp + clock skew), or nullopt for no end.
std::optional<std::chrono::system_clock::time_point> expiry(const auth::identity& who);
/// Whether `who`'s token has expired at `now`.
bool expired(const auth::identity& who, std::chrono::system_clock::time_point now);
/// The expiry of `who` on the steady clock (timers), or time_point::max() for none.
std::chrono::steady_clock::time_point steady_expiry(const auth::identity& who);

/// The HTTP answer: 401 with `WWW-Authenticate: Bearer ...`, 403, both with the JSON error body.
response denial_response(const denial& d, bool keep_alive);

} // namespace runnel::gateway::http
