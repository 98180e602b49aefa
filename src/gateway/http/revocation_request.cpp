// The body of POST /admin/v1/revocations and the JSON of an entry (pure; fuzzed by token_fuzz).
#include "revocation_request.hpp"

#include "runnel/codec/json/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace runnel::gateway::http {
namespace json = boost::json;

namespace {

std::optional<std::int64_t> seconds_of(const json::value& v) {
    if (v.is_int64() && v.as_int64() >= 0) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v.as_uint64());
    return std::nullopt;
}

} // namespace

std::optional<auth::revocation> parse_revocation(std::string_view body, std::int64_t now, std::int64_t max_token_ttl,
                                                 std::int64_t clock_skew, std::string& error) {
    json::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return error = "the body must be a JSON object", std::nullopt;
    const auto& o = v.as_object();
    auth::revocation r;
    int kinds = 0;
    for (auto [name, kind] : {std::pair{"jti", auth::revocation::kind::jti}, std::pair{"sub", auth::revocation::kind::subject},
                              std::pair{"kid", auth::revocation::kind::kid}}) {
        const auto* f = o.if_contains(name);
        if (!f) continue;
        ++kinds;
        if (!f->is_string() || f->as_string().empty()) return error = std::string(name) + " must be a non-empty string", std::nullopt;
        if (f->as_string().size() > 1024) return error = std::string(name) + " is longer than 1024 bytes", std::nullopt;
        r.what = kind;
        r.value = std::string(f->as_string());
    }
    if (kinds != 1) return error = "give exactly one of jti, sub or kid", std::nullopt;
    for (const auto& [k, val] : o) {
        std::string_view key(k.data(), k.size());
        bool known = key == "jti" || key == "sub" || key == "kid" || (key == "exp" && r.what == auth::revocation::kind::jti) ||
                     (key == "before" && r.what == auth::revocation::kind::subject);
        if (!known) return error = "unexpected member \"" + std::string(key) + "\"", std::nullopt;
    }
    switch (r.what) {
    case auth::revocation::kind::jti: {
        r.expires = max_token_ttl > 0 ? now + max_token_ttl + clock_skew : 0;
        if (const auto* e = o.if_contains("exp")) {
            auto s = seconds_of(*e);
            if (!s) return error = "exp must be Unix seconds", std::nullopt;
            r.expires = r.expires == 0 ? *s + clock_skew : std::min(r.expires, *s + clock_skew);
        }
        break;
    }
    case auth::revocation::kind::subject: {
        r.before = now;
        if (const auto* b = o.if_contains("before")) {
            auto s = seconds_of(*b);
            if (!s) return error = "before must be Unix seconds", std::nullopt;
            r.before = *s;
        }
        r.expires = max_token_ttl > 0 ? r.before + max_token_ttl + clock_skew : 0;
        break;
    }
    case auth::revocation::kind::kid: r.expires = 0; break;
    }
    return r;
}

std::string revocation_json(const auth::revocation& r) {
    std::string out = "{\"kind\":\"" + std::string(auth::to_string(r.what)) + "\",\"value\":";
    codec::json::append_json_string(out, r.value);
    if (r.what == auth::revocation::kind::subject) out += ",\"before\":" + std::to_string(r.before);
    out += ",\"expires\":" + (r.expires ? std::to_string(r.expires) : std::string("null")) + "}";
    return out;
}

} // namespace runnel::gateway::http
