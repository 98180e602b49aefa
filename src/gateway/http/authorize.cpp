#include "authorize.hpp"

#include "request_token.hpp"

#include "runnel/core/topic.hpp"
#include "runnel/core/url.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/beast/http/field.hpp>

namespace runnel::gateway::http {
namespace bhttp = boost::beast::http;
using sys_clock = std::chrono::system_clock;

std::variant<auth::identity, denial> identify(const auth::authenticator& authn, const request_t& req, bool loopback,
                                              sys_clock::time_point now, std::optional<std::string> certificate_subject) {
    auto target = std::string_view(req.target());
    if (auto q = target.find('?'); q != target.npos && !core::parse_query(target.substr(q + 1)))
        return denial{400, "malformed percent-encoding in the query"};
    auto tok = request_token(req);
    if (auto* bad = std::get_if<bad_token_syntax>(&tok)) return denial{401, bad->message};
    std::optional<std::string> token;
    if (auto* t = std::get_if<std::string>(&tok)) token = std::move(*t);
    return identify_token(authn, std::move(token), loopback, now, std::move(certificate_subject));
}

std::variant<auth::identity, denial> identify_token(const auth::authenticator& authn, std::optional<std::string> token,
                                                    bool loopback, sys_clock::time_point now,
                                                    std::optional<std::string> certificate_subject) {
    auth::credentials cred;
    cred.loopback = loopback;
    cred.certificate_subject = std::move(certificate_subject);
    cred.token = std::move(token);
    std::string why;
    auto who = authn.authenticate(cred, &why);
    if (!who) return denial{401, why.empty() ? std::string("credentials required") : why};
    // The authenticator accepts a token through the second of exp + skew; a session ends at
    // its start, so a request in that last second would be cut at once: refuse it here.
    if (expired(*who, now)) return denial{401, "token expired"};
    return std::move(*who);
}

std::string_view grant_filter(std::string_view filter) noexcept {
    if (auto shared = core::parse_shared(filter); shared && *shared) {
        // The filter part of "$share/{group}/{filter}" is the tail of the input.
        auto inner = (**shared).filter.size();
        return filter.substr(filter.size() - inner);
    }
    return filter;
}

std::string no_grant_message(auth::action a, std::string_view channel) {
    return "no " + std::string(auth::to_string(a)) + " grant for " + std::string(channel);
}

std::optional<denial> authorize(const auth::identity& who, auth::action a, std::string_view channel) {
    // Only a subscription filter can be shared; a channel named "$share/..." is checked as it is
    // (so `#` does not cover it, by the `$` rule).
    if (a != auth::action::publish) {
        // `$presence/{channel}` carries the channel's presence events: the presence grant on
        // the channel opens it for reading, live or from history (docs/presence.md); a
        // subscribe or history grant does not. Nobody publishes there (refused elsewhere).
        if (auto inner = presence::events_filter(channel)) {
            if (who.may(auth::action::presence, *inner)) return std::nullopt;
            return denial{403, no_grant_message(auth::action::presence, channel), auth::to_string(auth::action::presence)};
        }
    }
    if (who.may(a, a == auth::action::subscribe ? grant_filter(channel) : channel)) return std::nullopt;
    return denial{403, no_grant_message(a, channel), auth::to_string(a)};
}

std::optional<denial> authorize(const auth::identity& who, auth::action a, std::span<const std::string> channels) {
    for (const auto& c : channels) {
        if (auto d = authorize(who, a, std::string_view(c))) return d;
    }
    return std::nullopt;
}

std::optional<sys_clock::time_point> expiry(const auth::identity& who) {
    if (!who.expires_at) return std::nullopt;
    return sys_clock::time_point(std::chrono::seconds(*who.expires_at));
}

bool expired(const auth::identity& who, sys_clock::time_point now) {
    auto end = expiry(who);
    return end && now >= *end;
}

std::chrono::steady_clock::time_point steady_expiry(const auth::identity& who) {
    auto end = expiry(who);
    if (!end) return std::chrono::steady_clock::time_point::max();
    auto left = *end - sys_clock::now();
    return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
}

response denial_response(const denial& d, bool keep_alive) {
    auto res = json_error(d.status, d.message, keep_alive);
    // RFC 6750: a 401 names the scheme that would work (and, for a token, what was wrong).
    if (d.status == 401) res.set(bhttp::field::www_authenticate, "Bearer realm=\"runnel\"");
    return res;
}

} // namespace runnel::gateway::http
