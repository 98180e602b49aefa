// Connection lifecycle: start, read loop, writer, timers, close, and the session_sink side.
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/codec/mqtt/encoder.hpp"
#include "runnel/obs/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <string_view>

namespace runnel::gateway::mqtt {
namespace asio = boost::asio;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk = 16 * 1024;
// How long a closing connection may take to flush its last packets.
constexpr auto close_grace = std::chrono::seconds(2);
} // namespace

connection::connection(context& ctx, net::transport_ptr t, broker::worker_id w, std::shared_ptr<void> slot)
    : ctx_(ctx), transport_(std::move(t)), worker_(w), slot_(std::move(slot)),
      out_(transport_->executor(), ctx.opts.queue),
      decoder_({.max_packet_size = ctx.opts.max_packet_size}),
      timer_(transport_->executor()), session_ready_(transport_->executor()), pace_(transport_->executor()),
      expiry_(transport_->executor()),
      publish_bucket_(ctx.guard.publish_bucket(std::chrono::steady_clock::now())) {}

connection::~connection() = default;

void connection::start(std::shared_ptr<connection> self) {
    auto ex = self->transport_->executor();
    self->ctx_.live[self->worker_].insert(self.get());
    self->tracked_ = true;
    asio::co_spawn(ex, [self]() -> asio::awaitable<void> { co_await self->run(); }, asio::detached);
}

asio::awaitable<void> connection::run() {
    auto self = shared_from_this();
    last_seen_ = std::chrono::steady_clock::now();
    keep_alive_ = ctx_.opts.connect_timeout;
    asio::co_spawn(transport_->executor(), [self]() -> asio::awaitable<void> { co_await self->watchdog(); }, asio::detached);
    auto ec = co_await transport_->handshake();
    if (ec) {
        RUNNEL_LOG_DEBUG(obs::mqtt_log(), "peer={} handshake failed: {}", transport_->remote(), ec.message());
        close(wire::reason::unspecified_error);
        writer_done_ = true; // no writer was started
        close_transport();
    } else {
        asio::co_spawn(transport_->executor(), [self]() -> asio::awaitable<void> { co_await self->write_loop(); }, asio::detached);
        co_await read_loop();
    }
    finish();
    co_await linger();
    reader_done_ = true;
    if (writer_done_) close_transport();
}

asio::awaitable<void> connection::read_loop() {
    std::size_t used = 0;
    bool may_park = true;
    while (!closing_) {
        if (out_.above_high()) co_await out_.wait_writable(); // stop reading a client that does not read
        if (used == 0 && may_park && transport_->idle()) {
            // Nothing pending: wait without a read buffer, so an idle connection costs no
            // read_chunk (it was 16 KiB of the ~27 KiB per idle connection), and take a buffer
            // again when bytes arrive. Read once before parking again (the end of the stream
            // is "readable" too).
            std::string().swap(inbuf_);
            if (co_await transport_->wait_readable()) break;
            may_park = false;
            continue;
        }
        may_park = true;
        if (inbuf_.size() < used + read_chunk) inbuf_.resize(used + read_chunk);
        auto r = co_await transport_->read_some(asio::buffer(inbuf_.data() + used, inbuf_.size() - used));
        if (r.ec) {
            read_failed_ = true;
            if (!closing_) {
                RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} peer={} read ended: {}", client_id_, transport_->remote(), r.ec.message());
            }
            break;
        }
        ctx_.counters.bytes_in.inc(r.bytes);
        used += r.bytes;
        // Before CONNECT the deadline stays fixed, so trickling bytes cannot hold a slot open.
        if (connected_) last_seen_ = std::chrono::steady_clock::now();
        std::size_t start = 0;
        while (!closing_) {
            auto next = next_packet(start, used);
            if (!next || !co_await std::move(*next)) break;
        }
        // Keep the unread tail at the front of the buffer.
        if (start > 0) {
            std::memmove(inbuf_.data(), inbuf_.data() + start, used - start);
            used -= start;
        }
        if (inbuf_.size() > 4 * read_chunk && used < read_chunk) inbuf_.resize(read_chunk), inbuf_.shrink_to_fit();
    }
}

std::optional<asio::awaitable<bool>> connection::next_packet(std::size_t& start, std::size_t used) {
    // Not a coroutine on purpose: the decoded packet (~1.2 KB) lives on this stack frame and
    // moves straight into handle()'s frame. Held in read_loop's frame it stayed allocated for
    // the whole life of every connection, idle or not (2.6 KB of frame per connection).
    std::size_t consumed = 0;
    auto step = decoder_.next(std::string_view(inbuf_.data() + start, used - start), consumed);
    if (std::holds_alternative<wire::need_more>(step)) return std::nullopt;
    if (auto* err = std::get_if<wire::decode_error>(&step)) {
        ctx_.counters.protocol_errors.inc();
        RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} peer={} bad packet: {}", client_id_, transport_->remote(), err->message);
        refuse_bad_packet(*err);
        return std::nullopt;
    }
    start += consumed;
    return handle(std::move(std::get<wire::packet>(step)));
}

asio::awaitable<void> connection::write_loop() {
    auto self = shared_from_this();
    auto ec = co_await out_.drain(*transport_);
    const bool graceful = !ec && closing_;
    if (graceful) co_await transport_->shutdown();
    writer_done_ = true;
    // After a plain TCP FIN the reader lingers and closes the transport (see linger()).
    if (!graceful || !lingers() || reader_done_) close_transport();
}

bool connection::lingers() const noexcept {
    // TLS: the transport's shutdown already waited for the peer's close_notify.
    return linger_ && std::string_view(transport_->kind()) == "tcp";
}

asio::awaitable<void> connection::linger() {
    // Lingering close. Closing a socket with unread input makes the kernel answer with a RST,
    // and a client still writing (PUBACKs, PINGREQ) then fails its next write and drops what it
    // had not read yet: the last messages and our DISCONNECT. So after our FIN, read and drop
    // what the peer still sends until it closes too; the watchdog's close grace bounds the wait.
    // Not after a read ended in EOF or an error: Asio (edge-triggered epoll) then stops reading
    // speculatively, and a second read would wait for an event that never comes.
    if (!lingers() || transport_closed_ || read_failed_) co_return;
    std::array<char, 4096> sink;
    for (;;) {
        auto r = co_await transport_->read_some(asio::buffer(sink));
        if (r.ec) co_return;
    }
}

void connection::close_transport() {
    transport_->close();
    transport_closed_ = true;
    timer_.cancel(); // ends the watchdog's close grace period early
}

asio::awaitable<void> connection::watchdog() {
    auto self = shared_from_this();
    // Before CONNECT keep_alive_ is the connect timeout; after, 1.5 x the keep alive (or none).
    while (!closing_) {
        if (keep_alive_.count() == 0) {
            timer_.expires_at(asio::steady_timer::time_point::max());
        } else {
            auto limit = connected_ ? keep_alive_ * 3 / 2 : keep_alive_;
            auto deadline = last_seen_ + limit;
            if (std::chrono::steady_clock::now() >= deadline && !closing_) {
                RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} peer={} {}", client_id_, transport_->remote(),
                                 connected_ ? "keep alive timeout" : "no CONNECT in time");
                ctx_.guard.hit(connected_ ? limits::limit::idle_timeout : limits::limit::handshake_timeout);
                close(wire::reason::keep_alive_timeout, "keep alive timeout");
                break;
            }
            timer_.expires_at(deadline);
        }
        co_await timer_.async_wait(use_tuple);
    }
    // Closing: give the writer a bounded time to flush (and the peer to close), then cut.
    if (transport_closed_) co_return;
    timer_.expires_after(close_grace);
    auto [ec] = co_await timer_.async_wait(use_tuple);
    if (!ec) transport_->close();
}

void connection::close(std::uint8_t reason, std::string why) {
    if (closing_) return;
    closing_ = true;
    // A peer that went silent is not waiting for our FIN: no lingering for it.
    if (reason == wire::reason::keep_alive_timeout) linger_ = false;
    if (connected_ && v5() && reason != wire::reason::success) {
        // DISCONNECT may carry a reason string whatever Request Problem Information says.
        wire::disconnect d{reason, {}};
        if (!why.empty()) d.props.reason_string = std::move(why);
        send(d);
    }
    out_.close();
    timer_.cancel(); // the watchdog switches to the close grace period
    session_ready_.cancel();
    pace_.cancel();
    expiry_.cancel();
}

void connection::refuse_bad_packet(const wire::decode_error& err) {
    auto code = err.reason_code;
    if (code == wire::reason::packet_too_large) ctx_.guard.hit(limits::limit::packet_size);
    if (code == wire::reason::unsupported_protocol_version) {
        if (connect_seen_) {
            code = wire::reason::protocol_error; // a second CONNECT, whatever level it claims
        } else {
            // MQTT-3.1.2-2: answer an unsupported protocol level with CONNACK return code 1
            // (v5: 0x84), then close. version_ is still 3.1.1 here, and the 3.1.1 layout is the
            // one a client of any level can read.
            send(wire::connack{false, code, {}});
        }
    }
    close(code, err.message);
}

void connection::finish() {
    if (!closing_) close(wire::reason::unspecified_error);
    if (tracked_) {
        ctx_.live[worker_].erase(this);
        tracked_ = false;
    }
    if (connected_) ctx_.counters.connections.sub(1);
    presence_end();
    if (session_) {
        auto* s = session_;
        session_ = nullptr;
        ctx_.broker.connection_lost(s, publish_will_);
    }
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} peer={} closed", client_id_, transport_->remote());
}

void connection::shutdown() {
    publish_will_ = false;
    close(wire::reason::server_shutting_down, "server shutting down");
}

void connection::kick(errc why) {
    // The broker took the session away: forget it before anything else.
    session_ = nullptr;
    auto reason = why == errc::session_taken_over ? wire::reason::session_taken_over
                : why == errc::shutting_down     ? wire::reason::server_shutting_down
                : why == errc::queue_full        ? wire::reason::quota_exceeded
                                                 : wire::reason::administrative_action;
    close(reason, make_error_code(why).message());
}

void connection::send(const wire::packet& p) {
    auto bytes = wire::encode(p, version_);
    ctx_.counters.bytes_out.inc(bytes.size());
    if (out_.push(std::move(bytes)) == net::write_queue::push_result::overflow) {
        ctx_.counters.slow_consumers.inc();
        close(wire::reason::quota_exceeded, "slow consumer: write queue full");
    }
}

std::optional<std::string> connection::problem(std::string s) const {
    // Request Problem Information 0: no reason strings on acknowledgements (MQTT 3.1.2.11.7).
    if (!problem_info_ || s.empty()) return std::nullopt;
    return s;
}

} // namespace runnel::gateway::mqtt
