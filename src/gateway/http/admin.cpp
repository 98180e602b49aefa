#include "runnel/gateway/http/admin.hpp"

#include "admin_api.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

bhttp::response<bhttp::string_body> answer(admin_context& ctx, const bhttp::request<bhttp::string_body>& req) {
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    auto json_error = [&](bhttp::status st, std::string_view msg) {
        res.result(st);
        res.set(bhttp::field::content_type, "application/json");
        res.body() = "{\"error\":{\"code\":" + std::to_string(static_cast<int>(st)) + ",\"message\":\"" + std::string(msg) + "\"}}";
    };
    auto target = std::string_view(req.target());
    if (auto q = target.find('?'); q != target.npos) target = target.substr(0, q);
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
        json_error(bhttp::status::method_not_allowed, "only GET is allowed here");
        res.set(bhttp::field::allow, "GET, HEAD");
    } else if (target == "/metrics") {
        res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = ctx.metrics.render();
    } else if (target == "/healthz") {
        res.set(bhttp::field::content_type, "application/json");
        res.body() = R"({"status":"ok"})";
    } else if (target == "/readyz") {
        bool ok = ctx.ready();
        if (!ok) res.result(bhttp::status::service_unavailable);
        res.set(bhttp::field::content_type, "application/json");
        res.body() = ok ? R"({"status":"ready"})" : R"({"status":"not ready"})";
    } else {
        json_error(bhttp::status::not_found, "no such path");
    }
    res.prepare_payload();
    return res;
}

asio::awaitable<void> session(admin_context& ctx, net::transport_ptr t, std::shared_ptr<void> slot) {
    std::string buf;
    // A request that does not arrive in time closes the transport, which ends the pending read.
    asio::steady_timer deadline{t->executor()};
    auto alive = std::make_shared<bool>(true);
    struct end_guard {
        std::shared_ptr<bool> alive;
        ~end_guard() { *alive = false; }
    } guard{alive};
    bool first = true;
    for (;;) {
        deadline.expires_after(first ? ctx.handshake_timeout : ctx.idle_timeout);
        first = false;
        deadline.async_wait([tp = t.get(), alive](const boost::system::error_code& ec) {
            if (!ec && *alive) tp->close();
        });
        // Read until a whole request (headers + small body) is parsed; admin requests are tiny.
        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024);
        parser.header_limit(16 * 1024);
        beast::error_code ec;
        for (;;) {
            if (!buf.empty()) {
                auto used = parser.put(asio::buffer(buf), ec);
                buf.erase(0, used);
                if (parser.is_done()) break;
                if (ec && ec != bhttp::error::need_more) co_return t->close();
                if (used > 0 && !buf.empty()) continue;
            }
            char chunk[4096];
            auto r = co_await t->read_some(asio::buffer(chunk));
            if (r.ec) co_return t->close();
            buf.append(chunk, r.bytes);
            ec = {};
        }
        deadline.cancel(); // answering may wait for the store; the client is not the slow one
        bhttp::response<bhttp::string_body> res;
        if (target_path(parser.get()).starts_with("/admin/v1/")) {
            auto cert = t->peer_identity(); // a local: no temporaries in co_await arguments (GCC 12)
            res = co_await answer_admin_api(ctx, parser.get(), t->loopback(), std::move(cert));
        }
        else res = answer(ctx, parser.get());
        if (parser.get().method() == bhttp::verb::head) res.body().clear();
        bhttp::response_serializer<bhttp::string_body> sr{res};
        std::string out;
        // Serialize to one string, then one write.
        sr.split(false);
        while (!sr.is_done()) {
            sr.next(ec, [&](beast::error_code&, const auto& buffers) {
                for (auto b : beast::buffers_range_ref(buffers)) out.append(static_cast<const char*>(b.data()), b.size());
                sr.consume(beast::buffer_bytes(buffers));
            });
            if (ec) co_return t->close();
        }
        asio::const_buffer cb(out.data(), out.size());
        auto w = co_await t->write(std::span(&cb, 1));
        if (w.ec || !res.keep_alive()) {
            co_await t->shutdown();
            co_return t->close();
        }
    }
    (void)slot;
}

} // namespace

void serve_admin(admin_context& ctx, net::transport_ptr t, std::shared_ptr<void> slot) {
    auto ex = t->executor();
    asio::co_spawn(ex, [&ctx, t = std::move(t), slot = std::move(slot)]() mutable -> asio::awaitable<void> {
        auto ec = co_await t->handshake();
        if (ec) co_return t->close();
        co_await session(ctx, std::move(t), std::move(slot));
    }, asio::detached);
}

} // namespace runnel::gateway::http
