// GET /v1/subscribe: answer as soon as there is a message after the cursor, or at the timeout.
#include "streams.hpp"

#include "channel_watch.hpp"
#include "cursor_query.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>

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

std::optional<response> check_stream_request(const http_context& ctx, const request_t& req, const net::transport& peer) {
    auto ka = req.keep_alive();
    if (req.method() != bhttp::verb::get) {
        auto res = json_error(405, "use GET", ka);
        res.set(bhttp::field::allow, "GET");
        return res;
    }
    if (!origin_allowed(ctx, req)) return json_error(403, "origin not allowed (http.cors_origins)", ka);
    if (!ctx.ready()) return json_error(503, "server is shutting down", false);
    if (!ctx.anonymous_allowed(peer)) return json_error(401, "credentials required", ka);
    return std::nullopt;
}

asio::awaitable<response> handle_long_poll(http_context& ctx, const request_t& req, std::size_t worker, stream_peer peer) {
    if (auto refusal = check_stream_request(ctx, req, peer.t)) co_return std::move(*refusal);
    auto parsed = read_cursor_query(req, ctx.topics, ctx.guard);
    if (auto* refusal = std::get_if<response>(&parsed)) co_return std::move(*refusal);
    auto q = std::move(std::get<cursor_query>(parsed));
    bool had_cursor = q.cursor.has_value();
    auto since = q.cursor.value_or(ctx.broker->now_tt());
    auto deadline = channel_watch::clock::now() + q.timeout;

    std::shared_ptr<channel_watch> watch;
    if (q.timeout.count() > 0) {
        watch = std::make_shared<channel_watch>(ctx, worker, co_await asio::this_coro::executor);
        if (!watch->reserve()) co_return too_many_streams(req.keep_alive());
        co_await watch->open(q.filters);
        watch->watch_peer(peer.t, std::move(peer.keep));
    }
    bool complete = true;
    std::string reason;
    for (;;) {
        if (watch) watch->take_wake();
        auto r = co_await read_buffered(ctx, q.filters, since, q.limit);
        if (!r.complete && complete) {
            complete = false;
            reason = r.reason;
        }
        since = r.cursor;
        bool done = !r.messages.empty() || !complete || !watch || watch->stopped() ||
                    channel_watch::clock::now() >= deadline;
        if (done) {
            auto res = poll_reply(req, r, had_cursor, complete, reason);
            if (watch) {
                watch->close();
                if (watch->shutting_down()) res.keep_alive(false); // let the node finish
            }
            co_return res;
        }
        co_await watch->wait(deadline);
    }
}

} // namespace runnel::gateway::http
