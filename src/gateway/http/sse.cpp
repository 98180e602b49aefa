// GET /v1/stream: Server-Sent Events from a cursor, in timetoken order, with heartbeats.
#include "streams.hpp"

#include "authorize.hpp"
#include "channel_watch.hpp"
#include "cursor_query.hpp"
#include "http_presence.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>

#include <utility>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

/// Most messages one read takes; a full read is followed by another at once.
constexpr std::size_t sse_batch = 1000;

std::string stream_head(const http_context& ctx, const request_t& req) {
    response res{bhttp::status::ok, 11};
    res.set(bhttp::field::server, "runnel");
    res.set(bhttp::field::content_type, "text/event-stream");
    res.set(bhttp::field::cache_control, "no-cache");
    res.set(bhttp::field::connection, "close");
    res.set("X-Accel-Buffering", "no");
    add_cors(ctx, req, res);
    std::string head = "HTTP/1.1 200 OK\r\n";
    for (const auto& f : res) {
        head.append(f.name_string().data(), f.name_string().size());
        head += ": ";
        head.append(f.value().data(), f.value().size());
        head += "\r\n";
    }
    head += "\r\n";
    return head;
}

/// One `data:` line per line of `json`: a payload embedded as JSON may hold raw line breaks,
/// which SSE would otherwise read as the end of the field (EventSource joins them with "\n").
void append_data_lines(std::string& out, std::string_view json) {
    for (;;) {
        auto brk = json.find_first_of("\r\n");
        out += "data: ";
        out.append(json.substr(0, brk));
        out += '\n';
        if (brk == std::string_view::npos) return;
        json.remove_prefix(brk + (json.substr(brk, 2) == "\r\n" ? 2 : 1));
    }
}

void append_events(std::string& out, const broker::read_result& r) {
    std::string json;
    for (const auto& m : r.messages) {
        json.clear();
        codec::json::append_message_json(json, *m, false);
        out += "event: message\nid: ";
        out += core::tt_string(m->cur.tt);
        out += '\n';
        append_data_lines(out, json);
        out += '\n';
    }
}

/// Writes `data`, closing the transport if the client does not take it within `limit`.
asio::awaitable<bool> write_guarded(net::transport& t, const std::string& data, std::chrono::seconds limit) {
    asio::steady_timer guard(co_await asio::this_coro::executor, limit);
    auto written = std::make_shared<bool>(false); // the guard may already be queued when the write ends
    guard.async_wait([&t, written](const boost::system::error_code& ec) {
        if (!ec && !*written) t.close();
    });
    asio::const_buffer cb(data.data(), data.size());
    auto r = co_await t.write(std::span(&cb, 1));
    *written = true;
    guard.cancel();
    co_return !r.ec;
}

} // namespace

asio::awaitable<void> serve_sse(http_context& ctx, const request_t& req, stream_peer peer, std::size_t worker) {
    auto& t = peer.t;
    auto stall = ctx.opts.idle_timeout;
    // A stopping node just closes: EventSource retries elsewhere, where a 503 would end it.
    if (!ctx.ready()) co_return;
    auto checked = check_stream_request(ctx, req, t);
    std::optional<response> refusal;
    auth::identity who;
    if (auto* r = std::get_if<response>(&checked)) refusal = std::move(*r);
    else who = std::move(std::get<auth::identity>(checked));
    auto parsed = refusal ? std::variant<cursor_query, response>(std::move(*refusal)) : read_cursor_query(req, ctx.topics, ctx.guard);
    if (auto* q = std::get_if<cursor_query>(&parsed)) {
        if (auto denied = stream_grants(ctx, req, who, q->filters)) parsed = std::move(*denied);
    }
    if (auto* r = std::get_if<response>(&parsed)) {
        add_cors(ctx, req, *r);
        r->keep_alive(false);
        co_await write_guarded(t, serialize(*r), stall);
        co_return;
    }
    auto q = std::move(std::get<cursor_query>(parsed));
    auto since = q.cursor.value_or(ctx.broker->now_tt());
    auto expiry = steady_expiry(who); // the stream ends with its token
    auto watch = std::make_shared<channel_watch>(ctx, worker, co_await asio::this_coro::executor);
    if (!watch->reserve()) {
        auto res = too_many_streams(false);
        add_cors(ctx, req, res);
        co_await write_guarded(t, serialize(res), stall);
        co_return;
    }
    // Presence: a stream named by its token's subject or `client_id` is a member of the exact
    // channels it reads (wildcard filters with `presence=1`) while it is open; its end (which a
    // server cannot tell from a lost client) leaves after presence.grace, so an EventSource
    // reconnect does not flap.
    http_presence present(ctx.presence, who, q, http_presence::ending::lost);
    // Before open() registers it: a revocation from here on finds the identity.
    watch->set_identity(std::move(who));
    co_await watch->open(q.filters);
    watch->watch_peer(t, std::move(peer.keep));

    // The id tells EventSource where it stands before any message, so even a reconnect before
    // the first event resumes instead of starting over.
    std::string out = stream_head(ctx, req) + "retry: 2000\nid: " + core::tt_string(since) + "\n\n";
    auto heartbeat = ctx.opts.sse_heartbeat;
    auto next_beat = channel_watch::clock::now() + heartbeat;
    std::optional<std::string> ended;
    while (!watch->stopped() || watch->cut_reason()) {
        if ((ended = token_ended(watch.get(), expiry))) break;
        watch->take_wake();
        auto r = co_await read_buffered(ctx, q.filters, since, sse_batch);
        since = r.cursor;
        if (!r.complete) {
            out += "event: reset\ndata: {\"recovered\":false,\"reason\":";
            codec::json::append_json_string(out, r.reason);
            out += "}\n\n";
        }
        append_events(out, r);
        if (out.empty() && channel_watch::clock::now() >= next_beat) out = ": heartbeat\nid: " + core::tt_string(since) + "\n\n";
        if (!out.empty()) {
            if (!co_await write_guarded(t, out, stall)) break;
            out.clear();
            next_beat = channel_watch::clock::now() + heartbeat;
        }
        if (r.messages.size() < sse_batch) co_await watch->wait(std::min(next_beat, expiry));
    }
    if (ended) {
        // The client learns why before the stream ends: EventSource reports the error event,
        // and a client that reconnects with the same token is refused with 401.
        out += "event: error\ndata: {\"code\":401,\"message\":";
        codec::json::append_json_string(out, *ended);
        out += "}\n\n";
        co_await write_guarded(t, out, stall);
    }
    present.end();
    watch->close();
}

} // namespace runnel::gateway::http
