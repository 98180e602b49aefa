// --via http: REST publish, and the long-poll loop (docs/protocol.md, "REST publish",
// "Long-poll"). The loop keeps its cursor across dropped connections.
#include "backoff.hpp"
#include "http_link.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "transports.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace runnel::client_cli {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

/// How long the server holds a poll open (its `timeout` parameter), seconds.
constexpr unsigned poll_seconds = 30;

class http_publisher final : public publisher {
public:
    using publisher::publisher;

    asio::awaitable<void> open() override {
        link_.emplace(co_await asio::this_coro::executor, e_, tls_, o_.conn.timeout);
        if (o_.conn.token) link_->set_token(*o_.conn.token);
        co_return;
    }

    asio::awaitable<std::string> publish(std::string payload) override {
        auto req = link_->make_request(bhttp::verb::post, publish_target(e_.target, o_.channel));
        // The body is bytes unless told otherwise, even when it happens to be JSON.
        req.set(bhttp::field::content_type, o_.content_type.value_or("application/octet-stream"));
        if (!o_.conn.client_id.empty()) req.set("X-Client-Id", o_.conn.client_id);
        req.body() = std::move(payload);
        auto a = co_await link_->exchange(std::move(req), o_.conn.timeout);
        if (a.status != 200) throw refusal("publish refused: " + describe_http_error(a.status, a.body));
        while (!a.body.empty() && (a.body.back() == '\n' || a.body.back() == '\r')) a.body.pop_back();
        co_return a.body;
    }

    asio::awaitable<void> close() override {
        link_->close();
        co_return;
    }

private:
    std::optional<http_link> link_;
};

} // namespace

std::unique_ptr<publisher> make_http_publisher(const pub_options& o, const endpoint& e, asio::ssl::context* tls) {
    return std::make_unique<http_publisher>(o, e, tls);
}

std::string join_filters(const sub_options& o) {
    std::string out;
    for (const auto& f : o.filters) out += (out.empty() ? "" : ", ") + f;
    return out;
}

asio::awaitable<void> subscribe_poll(sub_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    http_link link(co_await asio::this_coro::executor, e, tls, o.conn.timeout);
    if (o.conn.token) link.set_token(*o.conn.token);
    backoff retry(std::chrono::milliseconds(250));
    // Without --since the first poll answers at once with the cursor of "now": from then on
    // nothing published is missed, not even between polls or across reconnects.
    std::optional<std::string> cursor = o.since;
    bool subscribed = false;
    while (!out.done()) {
        const unsigned wait = cursor ? poll_seconds : 0;
        auto req = link.make_request(bhttp::verb::get, poll_target(e.target, o.filters, cursor, wait));
        http_answer a;
        std::string dropped; // a connection failure once subscribed: retried
        try {
            a = co_await link.exchange(std::move(req), std::chrono::seconds(wait) + o.conn.timeout);
        } catch (const failure& f) {
            if (!subscribed) throw;
            dropped = f.what();
        }
        if (!dropped.empty()) {
            co_await retry.wait(dropped);
            continue;
        }
        if (passing_status(a.status) && subscribed) {
            co_await retry.wait(describe_http_error(a.status, a.body));
            continue;
        }
        if (a.status != 200) throw refusal("subscription refused: " + describe_http_error(a.status, a.body));
        auto r = decode_poll_reply(a.body);
        if (!r) throw refusal("unexpected long-poll reply: " + a.body.substr(0, 200));
        retry.reset();
        if (!subscribed && o.verbose) note("subscribed to " + join_filters(o) + " (cursor " + r->cursor + ")");
        subscribed = true;
        if (r->recovered == false) note("resumed with a gap: " + (r->reason.empty() ? "messages were lost" : r->reason));
        for (const auto& m : r->messages) {
            if (out.print(m)) co_return;
        }
        cursor = r->cursor;
    }
}

} // namespace runnel::client_cli
