// The MQTT client flows of runnel pub/sub: one coroutine reads (the command's), writes share
// one outbox with the keep-alive pinger.
#include "mqtt_link.hpp"

#include "runnel/client_cli/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

std::string with_reason_string(std::string text, const wire::properties& props) {
    if (props.reason_string) text += " (" + *props.reason_string + ")";
    return text;
}

// A refusal in an acknowledgement: v5 codes from 0x80 up.
void check_ack(std::uint8_t code, const wire::properties& props, std::string_view what) {
    if (code >= 0x80) throw refusal(with_reason_string(std::string(what) + " refused: " + reason_text(code), props));
}

} // namespace

mqtt_link::mqtt_link(net::transport_ptr t, wire::version v, std::chrono::milliseconds timeout)
    : t_(std::move(t)), version_(v), timeout_(timeout), watchdog_(t_->executor(), *t_),
      ping_timer_(t_->executor()) {
    decoder_.set_protocol_version(v);
}

mqtt_link::~mqtt_link() { close(); }

void mqtt_link::close() noexcept {
    if (closed_) return;
    closed_ = true;
    ping_timer_.cancel();
    t_->close();
}

std::uint16_t mqtt_link::next_packet_id() {
    if (++last_id_ == 0) last_id_ = 1;
    return last_id_;
}

void mqtt_link::fail_io(const boost::system::error_code& ec, std::string_view waiting_for) {
    const bool expired = watchdog_.expired();
    close();
    std::string where = waiting_for.empty() ? "" : " (waiting for " + std::string(waiting_for) + ")";
    if (expired) throw failure("no answer from the server within " + describe(watchdog_.armed_for()) + where);
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
        throw failure("the server closed the connection" + where);
    throw failure("connection lost: " + ec.message() + where);
}

asio::awaitable<wire::packet> mqtt_link::read_packet(std::string_view waiting_for) {
    for (;;) {
        if (!in_.empty()) {
            std::size_t used = 0;
            auto step = decoder_.next(in_, used);
            if (auto* p = std::get_if<wire::packet>(&step)) {
                in_.erase(0, used);
                co_return std::move(*p);
            }
            if (auto* e = std::get_if<wire::decode_error>(&step)) {
                close();
                throw failure("malformed packet from the server: " + e->message);
            }
        }
        std::array<char, 16 * 1024> buf;
        auto r = co_await t_->read_some(asio::buffer(buf));
        if (r.ec) fail_io(r.ec, waiting_for);
        in_.append(buf.data(), r.bytes);
    }
}

asio::awaitable<wire::packet> mqtt_link::next(std::string_view waiting_for) {
    auto p = co_await read_packet(waiting_for);
    if (auto* d = std::get_if<wire::disconnect>(&p)) {
        close();
        throw refusal(with_reason_string("the server disconnected: " + reason_text(d->reason_code), d->props));
    }
    co_return p;
}

asio::awaitable<void> mqtt_link::absorb(wire::packet p) {
    if (auto* pub = std::get_if<wire::publish>(&p)) early_.push_back(std::move(*pub));
    else if (auto* rel = std::get_if<wire::pubrel>(&p)) co_await release(rel->packet_id);
}

asio::awaitable<void> mqtt_link::release(std::uint16_t id) {
    awaiting_rel_.erase(id);
    co_await send(wire::pubcomp{.packet_id = id});
}

asio::awaitable<void> mqtt_link::send(const wire::packet& p) {
    wire::encode(p, version_, outbox_);
    if (writing_) co_return; // the coroutine writing now takes these bytes too
    writing_ = true;
    while (!outbox_.empty() && !closed_) {
        std::string batch;
        std::swap(batch, outbox_);
        std::array<asio::const_buffer, 1> bufs{asio::buffer(batch)};
        auto r = co_await t_->write(bufs);
        if (r.ec) {
            writing_ = false;
            fail_io(r.ec, "");
        }
    }
    writing_ = false;
}

asio::awaitable<wire::connack> mqtt_link::open(wire::connect c) {
    keep_alive_ = std::chrono::seconds(c.keep_alive);
    c.ver = version_;
    watchdog_.arm(timeout_);
    co_await send(c);
    auto p = co_await next("CONNACK");
    watchdog_.disarm();
    auto* ack = std::get_if<wire::connack>(&p);
    if (!ack) {
        close();
        throw failure("the server answered CONNECT with packet type " + std::to_string(p.index() + 1));
    }
    if (ack->reason_code != wire::reason::success) {
        close();
        throw refusal(with_reason_string("connection refused: " + reason_text(ack->reason_code), ack->props));
    }
    if (ack->props.server_keep_alive) keep_alive_ = std::chrono::seconds(*ack->props.server_keep_alive);
    if (keep_alive_.count() > 0) asio::co_spawn(t_->executor(), keep_alive(shared_from_this()), asio::detached);
    co_return std::move(*ack);
}

asio::awaitable<void> mqtt_link::keep_alive(std::shared_ptr<mqtt_link> self) {
    try {
        while (!self->closed_) {
            self->ping_timer_.expires_after(self->keep_alive_);
            auto [ec] = co_await self->ping_timer_.async_wait(use_tuple);
            if (ec || self->closed_) co_return;
            co_await self->send(wire::pingreq{});
        }
    } catch (const failure&) {
        // The command's own read reports the broken connection.
    }
}

asio::awaitable<std::optional<std::uint8_t>> mqtt_link::publish(wire::publish p) {
    if (p.qos > 0) p.packet_id = next_packet_id();
    watchdog_.arm(timeout_);
    co_await send(p);
    std::string_view what = p.qos == 1 ? "PUBACK" : "PUBREC";
    std::optional<std::uint8_t> code, received_code; // PUBREC's code says "no subscribers"
    while (p.qos > 0 && !code) {
        auto pkt = co_await next(what);
        if (auto* a = std::get_if<wire::puback>(&pkt); a && a->packet_id == p.packet_id) {
            check_ack(a->reason_code, a->props, "publish");
            code = a->reason_code;
            continue;
        }
        if (auto* r = std::get_if<wire::pubrec>(&pkt); r && r->packet_id == p.packet_id) {
            check_ack(r->reason_code, r->props, "publish");
            received_code = r->reason_code;
            what = "PUBCOMP";
            co_await send(wire::pubrel{.packet_id = p.packet_id});
            continue;
        }
        if (auto* c = std::get_if<wire::pubcomp>(&pkt); c && c->packet_id == p.packet_id) {
            check_ack(c->reason_code, c->props, "publish");
            code = received_code.value_or(c->reason_code);
            continue;
        }
        co_await absorb(std::move(pkt));
    }
    watchdog_.disarm();
    co_return code;
}

asio::awaitable<std::vector<std::uint8_t>> mqtt_link::subscribe(std::vector<wire::subscription> subs) {
    wire::subscribe s;
    s.packet_id = next_packet_id();
    s.subscriptions = std::move(subs);
    watchdog_.arm(timeout_);
    co_await send(s);
    for (;;) {
        auto pkt = co_await next("SUBACK");
        if (auto* a = std::get_if<wire::suback>(&pkt); a && a->packet_id == s.packet_id) {
            watchdog_.disarm();
            co_return std::move(a->reason_codes);
        }
        co_await absorb(std::move(pkt));
    }
}

asio::awaitable<wire::publish> mqtt_link::receive() {
    for (;;) {
        if (early_.empty()) {
            // The pinger makes the server answer at least once per keep alive.
            if (keep_alive_.count() > 0) watchdog_.arm(keep_alive_ * 3 / 2 + timeout_);
            auto pkt = co_await next("messages");
            watchdog_.disarm();
            co_await absorb(std::move(pkt));
            continue;
        }
        auto p = std::move(early_.front());
        early_.pop_front();
        if (p.qos == 2 && awaiting_rel_.contains(p.packet_id)) { // a resend: printed already
            co_await send(wire::pubrec{.packet_id = p.packet_id});
            continue;
        }
        co_return p;
    }
}

asio::awaitable<void> mqtt_link::acknowledge(const wire::publish& p) {
    if (p.qos == 1) co_await send(wire::puback{.packet_id = p.packet_id});
    if (p.qos != 2) co_return;
    awaiting_rel_.insert(p.packet_id);
    co_await send(wire::pubrec{.packet_id = p.packet_id});
}

asio::awaitable<void> mqtt_link::round_trip() {
    watchdog_.arm(timeout_);
    co_await send(wire::pingreq{});
    for (;;) {
        auto pkt = co_await next("PINGRESP");
        if (std::holds_alternative<wire::pingresp>(pkt)) break;
        co_await absorb(std::move(pkt));
    }
    watchdog_.disarm();
}

asio::awaitable<void> mqtt_link::disconnect() {
    if (closed_) co_return;
    watchdog_.arm(timeout_);
    co_await send(wire::disconnect{});
    // The server closes after DISCONNECT. Closing first could reset the connection while our
    // last packets are still unread on its side.
    std::optional<wire::disconnect> refused;
    try {
        while (!refused) {
            auto pkt = co_await read_packet("");
            if (auto* d = std::get_if<wire::disconnect>(&pkt); d && d->reason_code >= 0x80) refused = std::move(*d);
        }
    } catch (const failure&) {
        // the end of the connection we were waiting for
    }
    watchdog_.disarm();
    close();
    if (refused)
        throw refusal(with_reason_string("the server disconnected: " + reason_text(refused->reason_code), refused->props));
}

} // namespace runnel::client_cli
