#include "client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstring>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Idle clients keep a small buffer; busy ones grow it once reads fill it.
constexpr std::size_t initial_read = 2 * 1024;
constexpr std::size_t max_read = 64 * 1024;
} // namespace

namespace {
std::optional<ws_settings> ws_of(const client_config& cfg) {
    switch (cfg.transport) {
    case transport_kind::tcp: return std::nullopt;
    case transport_kind::ws_mqtt: return ws_settings{cfg.ws_path, "mqtt", true};
    case transport_kind::ws_json: return ws_settings{cfg.ws_path, "runnel.json", false};
    }
    return std::nullopt;
}
} // namespace

client::client(asio::io_context& io, client_config cfg)
    : cfg_(std::move(cfg)), executor_(io.get_executor()), stream_(io, cfg_.tls, ws_of(cfg_)), wake_writer_(io),
      wake_producer_(io), deadline_(io) {
    decoder_.set_protocol_version(cfg_.version);
}

client::~client() = default;

std::string client::connect_packet(std::string client_id) const {
    wire::connect c;
    c.ver = cfg_.version;
    c.clean_start = true;
    c.keep_alive = cfg_.keep_alive;
    c.client_id = std::move(client_id);
    return wire::encode(c, cfg_.version);
}

asio::awaitable<client::error_code> client::connect(std::string client_id) {
    // A broker that never answers must not hold the run.
    arm_deadline(cfg_.connect_timeout);
    auto ec = co_await stream_.connect(cfg_.endpoint, cfg_.host);
    if (!ec && !json()) {
        auto bytes = connect_packet(std::move(client_id));
        ec = co_await stream_.write(asio::buffer(bytes));
    }
    if (!ec && !json()) ec = co_await read_connack();
    deadline_.cancel();
    if (ec) {
        stream_.close();
        co_return ec;
    }
    open_ = true;
    if (json()) asio::co_spawn(executor_, read_text_loop(), asio::detached);
    else asio::co_spawn(executor_, read_loop(), asio::detached);
    asio::co_spawn(executor_, write_loop(), asio::detached);
    co_return error_code{};
}

asio::awaitable<client::error_code> client::read_connack() {
    inbuf_.resize(initial_read);
    for (;;) {
        auto [ec, n] = co_await stream_.read_some(asio::buffer(inbuf_.data() + used_, inbuf_.size() - used_));
        if (ec) co_return ec;
        used_ += n;
        std::size_t consumed = 0;
        auto step = decoder_.next(std::string_view(inbuf_.data(), used_), consumed);
        if (std::holds_alternative<wire::need_more>(step)) {
            if (used_ == inbuf_.size()) inbuf_.resize(inbuf_.size() * 2);
            continue;
        }
        auto* p = std::get_if<wire::packet>(&step);
        auto* ack = p ? std::get_if<wire::connack>(p) : nullptr;
        if (!ack) co_return make_error_code(boost::system::errc::protocol_error);
        if (ack->reason_code != wire::reason::success) co_return make_error_code(boost::system::errc::connection_refused);
        server_receive_maximum_ = ack->props.receive_maximum.value_or(65535);
        std::memmove(inbuf_.data(), inbuf_.data() + consumed, used_ - consumed);
        used_ -= consumed;
        co_return error_code{};
    }
}

bool client::decode_buffered() {
    std::size_t start = 0;
    bool ok = true;
    while (open_) {
        std::size_t consumed = 0;
        auto step = decoder_.next(std::string_view(inbuf_.data() + start, used_ - start), consumed);
        if (std::holds_alternative<wire::need_more>(step)) break;
        auto* p = std::get_if<wire::packet>(&step);
        if (!p) {
            ok = false;
            break;
        }
        start += consumed;
        on_packet(*p);
    }
    if (start > 0) {
        std::memmove(inbuf_.data(), inbuf_.data() + start, used_ - start);
        used_ -= start;
    }
    return ok;
}

asio::awaitable<void> client::read_loop() {
    while (open_) {
        if (used_ == inbuf_.size()) inbuf_.resize(inbuf_.size() * 2); // one packet larger than the buffer
        auto [ec, n] = co_await stream_.read_some(asio::buffer(inbuf_.data() + used_, inbuf_.size() - used_));
        if (ec) break;
        used_ += n;
        bool filled = used_ == inbuf_.size();
        if (!decode_buffered()) break;
        if (filled && inbuf_.size() < max_read) inbuf_.resize(inbuf_.size() * 2);
    }
    close();
}

asio::awaitable<void> client::read_text_loop() {
    while (open_) {
        auto [ec, text] = co_await stream_.read_message();
        if (ec) break;
        on_text(text);
    }
    close();
}

asio::awaitable<void> client::write_loop() {
    for (;;) {
        if (outbox_.empty()) {
            // After DISCONNECT the broker closes first (its side keeps the TIME_WAIT); the
            // reader sees the end and closes the client. JSON has no DISCONNECT: the client
            // starts the WebSocket closing handshake instead.
            if (closing_ && open_ && json()) co_await stream_.close_gracefully();
            if (closing_ || !open_) co_return;
            writer_idle_ = true;
            wake_writer_.expires_at(asio::steady_timer::time_point::max());
            co_await wake_writer_.async_wait(use_tuple);
            writer_idle_ = false;
            continue;
        }
        std::swap(outbox_, writing_);
        std::swap(frame_ends_, writing_ends_);
        auto ec = co_await write_out();
        writing_.clear();
        writing_ends_.clear();
        if (producer_waiting_) wake_producer_.cancel();
        if (ec) break;
    }
    close();
}

asio::awaitable<client::error_code> client::write_out() {
    if (!json()) co_return co_await stream_.write(asio::buffer(writing_));
    std::size_t at = 0;
    for (auto end : writing_ends_) {
        if (auto ec = co_await stream_.write(asio::buffer(writing_.data() + at, end - at))) co_return ec;
        at = end;
    }
    co_return error_code{};
}

void client::send(const wire::packet& p) {
    wire::encode(p, cfg_.version, outbox_);
    flush();
}

void client::send_text(std::string_view frame) {
    outbox_ += frame;
    end_frame();
    flush();
}

void client::flush() {
    if (writer_idle_ && !outbox_.empty()) wake_writer_.cancel();
}

asio::awaitable<void> client::wait_room(std::size_t below) {
    while (open_ && outbox_.size() >= below) {
        producer_waiting_ = true;
        wake_producer_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_producer_.async_wait(use_tuple);
        producer_waiting_ = false;
    }
}

void client::disconnect() {
    if (!open_ || closing_) return;
    if (!json()) send(wire::disconnect{});
    closing_ = true;
    // Wake the writer even with nothing queued (JSON): it closes once the outbox is empty.
    if (writer_idle_) wake_writer_.cancel();
    // A broker that does not close after DISCONNECT (or the close frame) is cut off.
    arm_deadline(std::chrono::seconds(2));
}

void client::arm_deadline(std::chrono::milliseconds after) {
    deadline_.expires_after(after);
    deadline_.async_wait([this](const error_code& ec) {
        if (!ec) close();
    });
}

void client::close() {
    if (!open_) {
        stream_.close();
        return;
    }
    open_ = false;
    closing_ = true;
    stream_.close();
    deadline_.cancel();
    wake_writer_.cancel();
    wake_producer_.cancel();
    on_closed();
}

} // namespace runnel::bench_tool
