#pragma once
// A blocking MQTT client for integration tests, built on codec::mqtt. Every read waits with
// poll() and a deadline (Asio's blocking reads ignore SO_RCVTIMEO), so a test never hangs.
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace runnel::test {

namespace wire = runnel::codec::mqtt;

/// The next whole packet in `buf`, reading more with `read(chunk, size)` (bytes read; 0 at a
/// close, an error or a timeout); nullopt on a close or bytes that do not decode.
template <class Read>
std::optional<wire::packet> next_packet(wire::decoder& d, std::string& buf, Read read) {
    for (;;) {
        std::size_t used = 0;
        auto step = d.next(buf, used);
        if (auto* p = std::get_if<wire::packet>(&step)) {
            buf.erase(0, used);
            return std::move(*p);
        }
        if (std::holds_alternative<wire::decode_error>(step)) return std::nullopt;
        char chunk[4096];
        auto n = read(chunk, sizeof chunk);
        if (n == 0) return std::nullopt;
        buf.append(chunk, n);
    }
}

class mqtt_test_client {
public:
    mqtt_test_client(std::uint16_t port, wire::version v = wire::version::v5) : socket_(io_), version_(v) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        decoder_.set_protocol_version(v);
    }
    void send(const wire::packet& p) { boost::asio::write(socket_, boost::asio::buffer(wire::encode(p, version_))); }
    void send_raw(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
    /// False once the peer has closed (EPIPE / reset).
    bool try_send_raw(const std::string& bytes) {
        boost::system::error_code ec;
        boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
        return !ec;
    }
    /// True when the server has closed the connection within `wait`.
    bool closed_within(std::chrono::milliseconds wait) {
        auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !readable_within(left)) return false;
            char c[512];
            boost::system::error_code ec;
            socket_.read_some(boost::asio::buffer(c), ec); // data before the close is skipped
            if (ec) return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
        }
    }
    bool readable_within(std::chrono::milliseconds wait) {
        pollfd p{socket_.native_handle(), POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
    }

    /// The next packet, or nullopt when the server closed the connection or 5 s passed.
    std::optional<wire::packet> next() {
        return next_packet(decoder_, buf_, [this](char* chunk, std::size_t size) -> std::size_t {
            if (!readable_within(std::chrono::seconds(5))) return 0;
            boost::system::error_code ec;
            auto n = socket_.read_some(boost::asio::buffer(chunk, size), ec);
            return ec ? 0 : n;
        });
    }
    template <class T> T expect() {
        auto p = next();
        if (!p || !std::holds_alternative<T>(*p)) throw std::runtime_error("unexpected packet or close");
        return std::get<T>(*p);
    }
    wire::connack connect(std::string client_id, bool clean = true, wire::properties props = {}) {
        wire::connect c;
        c.ver = version_;
        c.clean_start = clean;
        c.keep_alive = 30;
        c.client_id = std::move(client_id);
        c.props = std::move(props);
        send(c);
        return expect<wire::connack>();
    }
    /// True when the server has closed the connection within 5 s.
    bool closed_by_server() { return closed_within(std::chrono::seconds(5)); }


private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    wire::version version_;
    wire::decoder decoder_;
    std::string buf_;
};

} // namespace runnel::test
