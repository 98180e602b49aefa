// --via sse: one text/event-stream response, parsed as it arrives; after a drop the stream is
// asked for again with Last-Event-ID (docs/protocol.md, "SSE").
#include "backoff.hpp"
#include "http_link.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "runnel/client_cli/sse_parser.hpp"
#include "transports.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace runnel::client_cli {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

/// Silence after which the stream counts as dropped: the server sends a heartbeat comment
/// every `http.sse_heartbeat` (15 s by default).
constexpr std::chrono::seconds stream_idle{45};

/// Prints the stream's events until the count is reached (true) or the stream ends (throws).
asio::awaitable<bool> read_events(http_link& link, sse_parser& parser, printer& out, backoff& retry) {
    std::vector<sse_event> events;
    for (;;) {
        auto bytes = co_await link.read_body(stream_idle);
        retry.reset(); // the stream works: a later drop starts the backoff afresh
        events.clear();
        if (!parser.feed(bytes, events)) throw refusal("the event stream has a line longer than 16 MiB");
        for (const auto& ev : events) {
            if (ev.type == "reset") {
                note("resumed with a gap: " + reset_reason(ev.data));
                continue;
            }
            if (ev.type != "message") continue;
            auto m = decode_message_object(ev.data);
            if (!m) throw refusal("unexpected message event: " + ev.data.substr(0, 200));
            if (out.print(*m)) co_return true;
        }
    }
}

} // namespace

asio::awaitable<void> subscribe_sse(sub_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    http_link link(co_await asio::this_coro::executor, e, tls, o.conn.timeout);
    if (o.conn.token) link.set_token(*o.conn.token);
    sse_parser parser;
    backoff retry(std::chrono::milliseconds(250));
    bool subscribed = false;
    for (;;) {
        const auto& last_id = parser.last_event_id();
        // The first request starts at --since (or now); later ones at the last event seen.
        auto cursor = last_id.empty() ? o.since : std::nullopt;
        auto req = link.make_request(bhttp::verb::get, stream_target(e.target, o.filters, cursor));
        req.set(bhttp::field::accept, "text/event-stream");
        if (!last_id.empty()) req.set("Last-Event-ID", last_id);
        std::string dropped; // a connection failure once subscribed: retried
        try {
            auto a = co_await link.open_stream(std::move(req));
            if (passing_status(a.status) && subscribed) throw failure(describe_http_error(a.status, a.body));
            if (a.status != 200) throw refusal("subscription refused: " + describe_http_error(a.status, a.body));
            if (!subscribed && o.verbose) note("subscribed to " + join_filters(o));
            subscribed = true;
            parser.reset();
            if (co_await read_events(link, parser, out, retry)) break;
        } catch (const refusal&) {
            throw;
        } catch (const failure& f) {
            if (!subscribed) throw;
            dropped = f.what();
        }
        link.close();
        if (auto r = parser.retry()) retry.set_base(*r);
        co_await retry.wait(dropped);
    }
    link.close();
}

} // namespace runnel::client_cli
