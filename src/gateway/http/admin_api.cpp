#include "admin_api.hpp"

#include "await_callback.hpp"
#include "request_token.hpp"

#include "runnel/codec/json/text.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;

namespace {

std::optional<std::int64_t> seconds_of(const json::value& v) {
    if (v.is_int64() && v.as_int64() >= 0) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v.as_uint64());
    return std::nullopt;
}

response unauthorized(std::string_view why, bool keep_alive) {
    auto res = json_error(401, why, keep_alive);
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"runnel admin\"");
    return res;
}

/// The caller's identity must hold `admin`; nullopt = allowed, else the refusal.
std::optional<response> check_admin(admin_context& ctx, const request_t& req, bool loopback) {
    if (!ctx.authn) return json_error(503, "the admin API is not configured", req.keep_alive());
    auto tok = request_token(req);
    if (auto* bad = std::get_if<bad_token_syntax>(&tok)) return unauthorized(bad->message, req.keep_alive());
    auth::credentials cred;
    cred.loopback = loopback;
    if (auto* t = std::get_if<std::string>(&tok)) cred.token = std::move(*t);
    std::string why;
    auto who = ctx.authn->authenticate(cred, &why);
    if (!who) return unauthorized(why.empty() ? "a token with the admin action is required" : why, req.keep_alive());
    if (!who->grants.any(auth::action::admin)) {
        return cred.token ? json_error(403, "the token has no admin grant", req.keep_alive())
                          : unauthorized("a token with the admin action is required", req.keep_alive());
    }
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
        r.expires = now + max_token_ttl + clock_skew;
        if (const auto* e = o.if_contains("exp")) {
            auto s = seconds_of(*e);
            if (!s) return error = "exp must be Unix seconds", std::nullopt;
            r.expires = std::min(r.expires, *s + clock_skew);
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
        r.expires = r.before + max_token_ttl + clock_skew;
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

asio::awaitable<response> answer_admin_api(admin_context& ctx, const request_t& req, bool loopback) {
    if (auto refused = check_admin(ctx, req, loopback)) co_return std::move(*refused);
    auto path = target_path(req);
    if (path != "/admin/v1/revocations") co_return json_error(404, "no such admin path", req.keep_alive());
    if (req.method() == bhttp::verb::get) {
        std::string body = "{\"revocations\":[";
        bool first = true;
        for (const auto& r : ctx.revocations ? ctx.revocations() : std::vector<auth::revocation>{}) {
            if (!first) body += ',';
            first = false;
            body += revocation_json(r);
        }
        co_return json_ok(req, body + "]}");
    }
    if (req.method() != bhttp::verb::post) {
        auto res = json_error(405, "use GET or POST", req.keep_alive());
        res.set(bhttp::field::allow, "GET, POST");
        co_return res;
    }
    std::string error;
    auto r = parse_revocation(req.body(), auth::unix_now(), ctx.max_token_ttl, ctx.clock_skew, error);
    if (!r) co_return json_error(400, error, req.keep_alive());
    auto ex = co_await asio::this_coro::executor;
    auto revocation = *r;
    // The store answers on its own thread; come back to this worker before waking the coroutine.
    auto outcome = co_await await_callback<std::string>([&](auto cb) {
        ctx.revoke(revocation, [ex, cb](std::string err) { asio::post(ex, [cb, err] { cb(err); }); });
    });
    if (!outcome.empty()) co_return json_error(503, outcome, req.keep_alive());
    co_return json_ok(req, "{\"ok\":true,\"revocation\":" + revocation_json(revocation) + "}");
}

} // namespace runnel::gateway::http
