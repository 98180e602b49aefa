// One HTTP connection: read requests with Beast's parser (sans-I/O, fed from the transport),
// answer them, or upgrade to WebSocket. Deadlines: the first request (and any upgrade) must
// arrive within handshake_timeout, later ones within idle_timeout; slow clients are cut.
#include "runnel/gateway/http/server.hpp"

#include "authorize.hpp"
#include "request_token.hpp"
#include "responses.hpp"
#include "rest.hpp"
#include "rest_presence.hpp"
#include "streams.hpp"
#include "runnel/gateway/http/ws_transport.hpp"

#include "runnel/obs/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using request = bhttp::request<bhttp::string_body>;

enum class read_outcome { ok, closed, bad };

struct session {
    http_context& ctx;
    net::transport_ptr t;
    std::size_t worker;
    std::shared_ptr<void> slot;
    std::string buf;
    asio::steady_timer deadline{t->executor()};
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
    std::weak_ptr<session> self; // for work that must keep the transport alive past a request
    limits::token_bucket publish_bucket = ctx.guard->publish_bucket(std::chrono::steady_clock::now()); // REST publishes

    /// Arms the connection deadline: when it passes, the transport is closed, any pending
    /// read fails, and `why` is counted.
    void arm(std::chrono::seconds after, limits::limit why) {
        deadline.expires_after(after);
        deadline.async_wait([tp = t.get(), alive = alive, g = ctx.guard, why](const boost::system::error_code& ec) {
            if (ec || !*alive) return;
            g->hit(why);
            tp->close();
        });
    }

    asio::awaitable<read_outcome> read(bhttp::request_parser<bhttp::string_body>& p, response& err) {
        beast::error_code ec;
        for (;;) {
            if (!buf.empty()) {
                auto used = p.put(asio::buffer(buf), ec);
                buf.erase(0, used);
                if (p.is_done()) co_return read_outcome::ok;
                if (ec == bhttp::error::need_more) ec = {};
                if (ec) {
                    err = parse_error_response(ec);
                    if (ec == bhttp::error::header_limit) ctx.guard->hit(limits::limit::header_size);
                    if (ec == bhttp::error::body_limit) ctx.guard->hit(limits::limit::body_size);
                    co_return read_outcome::bad;
                }
                if (used > 0 && !buf.empty()) continue;
            }
            char chunk[8192];
            auto r = co_await t->read_some(asio::buffer(chunk));
            if (r.ec) {
                if (r.bytes == 0 && p.got_some()) {
                    p.put_eof(ec);
                    if (!ec && p.is_done()) co_return read_outcome::ok;
                }
                co_return read_outcome::closed;
            }
            buf.append(chunk, r.bytes);
        }
    }

    asio::awaitable<bool> write(const response& res) {
        auto out = serialize(res);
        asio::const_buffer cb(out.data(), out.size());
        auto w = co_await t->write(std::span(&cb, 1));
        co_return !w.ec;
    }

    /// A JSON upgrade may carry a token (Bearer or ?token=): a bad one is refused with 401 here;
    /// a good one goes to the session as `token`. No token: the session authenticates later
    /// (`connect` with a token, or anonymous on first use). MQTT authenticates in CONNECT.
    std::optional<response> upgrade_token(const request& req, std::optional<std::string>& token) {
        auto tok = request_token(req);
        if (std::holds_alternative<no_token>(tok)) return std::nullopt;
        auto who = std::holds_alternative<std::string>(tok)
                       ? identify(*ctx.authn, req, t->loopback(), std::chrono::system_clock::now(), t->peer_identity())
                       : std::variant<auth::identity, denial>(denial{401, std::get<bad_token_syntax>(tok).message});
        if (auto* d = std::get_if<denial>(&who)) {
            if (d->counted()) ctx.denied->count(d->action);
            return denial_response(*d, false);
        }
        token = std::move(std::get<std::string>(tok));
        return std::nullopt;
    }

    /// Accepts a WebSocket upgrade and hands the socket on: MQTT (binary, subprotocol "mqtt")
    /// or the JSON protocol (text, subprotocol "runnel.json" when offered).
    asio::awaitable<void> upgrade(request req, bool mqtt, std::optional<std::string> token) {
        auto offered = std::string(req[bhttp::field::sec_websocket_protocol]);
        auto remote = t->remote();
        auto loopback = t->loopback();
        const char* kind = std::string_view(t->kind()) == "tls" ? "wss" : "ws";
        ws_transport::ws_stream ws(net::transport_stream(std::move(t)));
        ws.read_message_max(ctx.opts.max_frame);
        websocket::permessage_deflate pmd;
        pmd.server_enable = ctx.opts.ws_deflate;
        ws.set_option(pmd);
        // Bounds the opening and closing handshakes; liveness is the protocols' own business.
        ws.set_option(websocket::stream_base::timeout{ctx.opts.handshake_timeout, websocket::stream_base::none(), false});
        auto chosen = mqtt ? choose_mqtt_subprotocol(offered) : choose_json_subprotocol(offered);
        ws.set_option(websocket::stream_base::decorator([chosen](websocket::response_type& res) {
            res.set(bhttp::field::server, "runnel");
            if (!chosen.empty()) res.set(bhttp::field::sec_websocket_protocol, chosen);
        }));
        auto [ec] = co_await ws.async_accept(req, use_tuple);
        *alive = false;
        deadline.cancel();
        if (ec) {
            RUNNEL_LOG_DEBUG(obs::http_log(), "peer={} websocket accept failed: {}", remote, ec.message());
            co_return;
        }
        // MQTT has its own keep-alive; a JSON client is pinged when idle and cut when it stays
        // silent for http.idle_timeout (a half-open peer holds nothing for long).
        if (!mqtt) ws.set_option(websocket::stream_base::timeout{ctx.opts.handshake_timeout, ctx.opts.idle_timeout, true});
        auto wt = std::make_unique<ws_transport>(std::move(ws), std::move(remote), loopback, kind, mqtt,
                                                 &ctx.guard->counters());
        if (mqtt) ctx.on_mqtt(std::move(wt), worker, std::move(slot));
        else ctx.on_json(std::move(wt), worker, std::move(slot), std::move(token));
    }

    asio::awaitable<void> run() {
        arm(ctx.opts.handshake_timeout, limits::limit::handshake_timeout);
        if (auto ec = co_await t->handshake()) co_return t->close();
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(ctx.opts.max_header));
            parser.body_limit(ctx.opts.max_body);
            response err;
            auto outcome = co_await read(parser, err);
            if (outcome == read_outcome::closed) break;
            if (outcome == read_outcome::bad) {
                co_await write(err);
                break;
            }
            auto req = parser.release();
            auto path = target_path(req);
            bool is_mqtt = path == ctx.opts.mqtt_path;
            if (websocket::is_upgrade(req) && (is_mqtt || (path == ctx.opts.ws_path && ctx.on_json))) {
                std::optional<std::string> token;
                auto refusal = check_upgrade(ctx, req, is_mqtt ? "mqtt" : "runnel.json");
                if (!refusal && !is_mqtt) refusal = upgrade_token(req, token);
                if (refusal) {
                    co_await write(*refusal);
                    break;
                }
                co_return co_await upgrade(std::move(req), is_mqtt, std::move(token));
            }
            if (path == sse_path && req.method() != bhttp::verb::options) {
                // The stream owns the connection from here; its own guard bounds stalled writes.
                *alive = false;
                deadline.cancel();
                // A named argument: GCC 12 mishandles temporaries with destructors in co_await.
                stream_peer peer{*t, self.lock()};
                co_await serve_sse(ctx, req, std::move(peer), worker);
                break;
            }
            // Not a conditional expression: GCC 12 miscompiles co_await inside ?: .
            response res;
            bool preflight = req.method() == bhttp::verb::options &&
                             !req[bhttp::field::access_control_request_method].empty();
            if (preflight) {
                res = route(ctx, req);
            } else if (path.starts_with("/v1/") && !origin_allowed(ctx, req)) {
                res = json_error(403, "origin not allowed (http.cors_origins)", req.keep_alive());
            } else if (path == long_poll_path) {
                // The connection deadline must not cut a poll that is waiting on purpose.
                deadline.cancel();
                stream_peer peer{*t, self.lock()};
                res = co_await handle_long_poll(ctx, req, worker, std::move(peer));
            } else if (is_presence_rest(req)) {
                res = co_await handle_presence_rest(ctx, req, *t, worker);
            } else if (is_rest(req)) {
                res = co_await handle_rest(ctx, req, *t, publish_bucket);
            } else {
                res = route(ctx, req);
            }
            add_cors(ctx, req, res);
            arm(ctx.opts.idle_timeout, limits::limit::idle_timeout); // a client that does not take the answer is cut
            if (!co_await write(res) || !res.keep_alive()) break;
            arm(ctx.opts.idle_timeout, limits::limit::idle_timeout);
        }
        *alive = false;
        deadline.cancel();
        co_await t->shutdown();
        t->close();
    }
};

} // namespace

void serve_http(http_context& ctx, net::transport_ptr t, std::size_t worker, std::shared_ptr<void> slot) {
    auto ex = t->executor();
    auto s = std::make_shared<session>(session{ctx, std::move(t), worker, std::move(slot)});
    s->self = s;
    asio::co_spawn(ex, [s]() -> asio::awaitable<void> { co_await s->run(); }, asio::detached);
}

} // namespace runnel::gateway::http
