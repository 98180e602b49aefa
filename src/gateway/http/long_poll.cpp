// GET /v1/subscribe: answer as soon as there is a message after the cursor, or at the timeout.
#include "streams.hpp"

#include "authorize.hpp"
#include "channel_watch.hpp"
#include "cursor_query.hpp"
#include "http_presence.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>

#include <utility>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

response poll_reply(const request_t& req, const broker::read_result& r, bool had_cursor, bool complete,
                    const std::string& reason) {
    std::string body = "{\"messages\":[";
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
        if (i > 0) body += ',';
        codec::json::append_message_json(body, *r.messages[i], false);
    }
    body += "],\"cursor\":\"" + core::tt_string(r.cursor) + '"';
    if (had_cursor) {
        body += complete ? ",\"recovered\":true" : ",\"recovered\":false,\"reason\":";
        if (!complete) codec::json::append_json_string(body, reason);
    }
    body += '}';
    auto res = json_ok(req, std::move(body));
    res.set(bhttp::field::cache_control, "no-store");
    return res;
}

} // namespace

response too_many_streams(bool keep_alive) {
    auto res = json_error(429, "too many long-polls and streams waiting (http.max_streams)", keep_alive);
    res.set(bhttp::field::retry_after, "1");
    return res;
}

std::variant<auth::identity, response> check_stream_request(http_context& ctx, const request_t& req, const net::transport& peer) {
    auto ka = req.keep_alive();
    if (req.method() != bhttp::verb::get) {
        auto res = json_error(405, "use GET", ka);
        res.set(bhttp::field::allow, "GET");
        return res;
    }
    if (!origin_allowed(ctx, req)) return json_error(403, "origin not allowed (http.cors_origins)", ka);
    if (!ctx.ready()) return json_error(503, "server is shutting down", false);
    auto who = identify(*ctx.authn, req, peer.loopback(), std::chrono::system_clock::now(), peer.peer_identity());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        return denial_response(*d, ka);
    }
    return std::move(std::get<auth::identity>(who));
}

std::optional<response> stream_grants(http_context& ctx, const request_t& req, const auth::identity& who,
                                      const std::vector<std::string>& filters) {
    auto d = authorize(who, auth::action::subscribe, filters);
    if (!d) return std::nullopt;
    ctx.denied->count(d->action);
    return denial_response(*d, req.keep_alive());
}

std::optional<std::string> token_ended(const channel_watch* watch,
                                       std::chrono::steady_clock::time_point expiry) {
    std::optional<std::string> why;
    if (watch && watch->cut_reason()) why = *watch->cut_reason();
    else if (std::chrono::steady_clock::now() >= expiry) why = "token expired";
    return why;
}

asio::awaitable<response> handle_long_poll(http_context& ctx, const request_t& req, std::size_t worker, stream_peer peer) {
    auto checked = check_stream_request(ctx, req, peer.t);
    if (auto* refusal = std::get_if<response>(&checked)) co_return std::move(*refusal);
    auto who = std::move(std::get<auth::identity>(checked));
    auto parsed = read_cursor_query(req, ctx.topics, ctx.guard);
    if (auto* refusal = std::get_if<response>(&parsed)) co_return std::move(*refusal);
    auto q = std::move(std::get<cursor_query>(parsed));
    if (auto refusal = stream_grants(ctx, req, who, q.filters)) co_return std::move(*refusal);
    std::shared_ptr<channel_watch> watch;
    if (q.timeout.count() > 0) {
        watch = std::make_shared<channel_watch>(ctx, worker, co_await asio::this_coro::executor);
        // Refused before it makes a member: a poll the node did not take is no visit.
        if (!watch->reserve()) co_return too_many_streams(req.keep_alive());
    }
    // Presence: a poller named by its token's subject or `client_id` is present in the exact
    // channels it polls (wildcard filters with `presence=1`) while it keeps polling (held
    // during a poll, presence.timeout after it).
    http_presence present(ctx.presence, who, q, http_presence::ending::handoff);
    bool had_cursor = q.cursor.has_value();
    auto since = q.cursor.value_or(ctx.broker->now_tt());
    auto deadline = channel_watch::clock::now() + q.timeout;
    // The poll waits no longer than its token lives; a token that ends meanwhile answers 401.
    auto expiry = steady_expiry(who);

    if (watch) {
        // Before open() registers it: a revocation from here on finds the identity.
        watch->set_identity(std::move(who));
        co_await watch->open(q.filters);
        watch->watch_peer(peer.t, std::move(peer.keep));
    }
    bool complete = true;
    std::string reason;
    for (;;) {
        if (auto ended = token_ended(watch.get(), expiry)) {
            if (watch) watch->close();
            present.end();
            ctx.denied->count("connect");
            co_return denial_response(denial{401, std::move(*ended)}, req.keep_alive());
        }
        if (watch) watch->take_wake();
        auto r = co_await read_buffered(ctx, q.filters, since, q.limit);
        if (!r.complete && complete) {
            complete = false;
            reason = r.reason;
        }
        since = r.cursor;
        if (watch && watch->cut_reason()) continue; // answered 401 at the top
        bool done = !r.messages.empty() || !complete || !watch || watch->stopped() ||
                    channel_watch::clock::now() >= deadline;
        if (done) {
            present.end(); // the presence.timeout runs from the end of the poll
            auto res = poll_reply(req, r, had_cursor, complete, reason);
            if (watch) {
                watch->close();
                if (watch->shutting_down()) res.keep_alive(false); // let the node finish
            }
            co_return res;
        }
        co_await watch->wait(std::min(deadline, expiry));
    }
}

} // namespace runnel::gateway::http
