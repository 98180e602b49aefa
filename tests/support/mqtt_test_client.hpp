#pragma once
// A blocking MQTT client for integration tests, built on codec::mqtt. Every read has a deadline
// (SO_RCVTIMEO), so a test never hangs.
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace runnel::test {

namespace wire = runnel::codec::mqtt;

class mqtt_test_client {
public:
    mqtt_test_client(std::uint16_t port, wire::version v = wire::version::v5) : socket_(io_), version_(v) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        timeval tv{5, 0};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
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
        timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return closed_by_server();
    }

    /// The next packet, or nullopt when the server closed the connection or 5 s passed.
    std::optional<wire::packet> next() {
        for (;;) {
            std::size_t used = 0;
            auto step = decoder_.next(buf_, used);
            if (auto* p = std::get_if<wire::packet>(&step)) {
                buf_.erase(0, used);
                return std::move(*p);
            }
            if (std::holds_alternative<wire::decode_error>(step)) return std::nullopt;
            char chunk[4096];
            boost::system::error_code ec;
            auto n = socket_.read_some(boost::asio::buffer(chunk), ec);
            if (ec) return std::nullopt;
            buf_.append(chunk, n);
        }
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
    /// True when the server has closed the connection (read returns EOF before the deadline).
    bool closed_by_server() {
        char c;
        boost::system::error_code ec;
        socket_.read_some(boost::asio::buffer(&c, 1), ec);
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    wire::version version_;
    wire::decoder decoder_;
    std::string buf_;
};

} // namespace runnel::test
