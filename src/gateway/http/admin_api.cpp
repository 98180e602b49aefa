#include "admin_api.hpp"

#include "await_callback.hpp"
#include "request_token.hpp"

#include <boost/asio/post.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

response unauthorized(std::string_view why, bool keep_alive) {
    auto res = json_error(401, why, keep_alive);
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"runnel admin\"");
    return res;
}

/// The caller's identity must hold `admin`; nullopt = allowed, else the refusal.
std::optional<response> check_admin(admin_context& ctx, const request_t& req, bool loopback,
                                    std::optional<std::string> certificate_subject) {
    if (!ctx.authn) return json_error(503, "the admin API is not configured", req.keep_alive());
    auto tok = request_token(req);
    if (auto* bad = std::get_if<bad_token_syntax>(&tok)) return unauthorized(bad->message, req.keep_alive());
    auth::credentials cred;
    cred.loopback = loopback;
    cred.certificate_subject = std::move(certificate_subject); // tls.identity on the admin listener
    if (auto* t = std::get_if<std::string>(&tok)) cred.token = std::move(*t);
    std::string why;
    auto who = ctx.authn->authenticate(cred, &why);
    if (!who) return unauthorized(why.empty() ? "a token with the admin action is required" : why, req.keep_alive());
    if (!who->grants.any(auth::action::admin)) {
        if (cred.token) return json_error(403, "the token has no admin grant", req.keep_alive());
        return who->source == auth::identity_source::certificate
                   ? json_error(403, "the client certificate has no admin grant", req.keep_alive())
                          : unauthorized("a token with the admin action is required", req.keep_alive());
    }
    return std::nullopt;
}

} // namespace

asio::awaitable<response> answer_admin_api(admin_context& ctx, const request_t& req, bool loopback,
                                           std::optional<std::string> certificate_subject) {
    if (auto refused = check_admin(ctx, req, loopback, std::move(certificate_subject))) co_return std::move(*refused);
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
