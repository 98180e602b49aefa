#pragma once
/// A WebSocket as a net::transport: read_some returns message bytes as they arrive (MQTT packets
/// may span or share messages, MQTT 6.0); read_message returns one whole message (JSON
/// protocol); a write is one binary message (MQTT: the buffers are packets, which may share a
/// message), or, for a text transport (JSON), one message per buffer, all sent in one syscall
/// (transport_stream corking).
/// Affinity: the connection's worker. Owns the WebSocket stream and the transport below it.
#include "runnel/limits/stats.hpp"
#include "runnel/net/transport.hpp"
#include "runnel/net/transport_stream.hpp"

#include <boost/beast/websocket/stream.hpp>

namespace runnel::gateway::http {

class ws_transport final : public net::transport {
public:
    using ws_stream = boost::beast::websocket::stream<net::transport_stream>;

    ws_transport(ws_stream ws, std::string remote, bool loopback, const char* kind, bool binary = true,
                 limits::stats* stats = nullptr)
        : ws_(std::move(ws)), remote_(std::move(remote)), loopback_(loopback), kind_(kind), stats_(stats) {
        ws_.binary(binary);
    }
    /// Reads one whole message into `out` (replacing it); `binary` tells its frame type.
    boost::asio::awaitable<net::io_result> read_message(std::string& out, bool& binary);
    boost::asio::awaitable<boost::system::error_code> handshake() override { co_return boost::system::error_code{}; }
    boost::asio::awaitable<net::io_result> read_some(boost::asio::mutable_buffer buf) override;
    boost::asio::awaitable<net::io_result> write(std::span<const boost::asio::const_buffer> bufs) override;
    boost::asio::awaitable<void> shutdown() override;
    /// The close frame shutdown() sends: 1000 (normal) unless set, e.g. 1008 (policy violation)
    /// when a token expired or was revoked.
    void set_close(std::uint16_t code, std::string_view reason) {
        // A close frame's reason holds at most 123 bytes.
        close_ = boost::beast::websocket::close_reason(static_cast<boost::beast::websocket::close_code>(code),
                                                       reason.substr(0, 120));
    }
    void close() noexcept override { ws_.next_layer().inner().close(); }
    boost::asio::any_io_executor executor() override { return ws_.get_executor(); }
    const std::string& remote() const noexcept override { return remote_; }
    bool loopback() const noexcept override { return loopback_; }
    const char* kind() const noexcept override { return kind_; }

private:
    ws_stream ws_;
    std::string remote_;
    bool loopback_;
    const char* kind_;
    limits::stats* stats_;
    boost::beast::websocket::close_reason close_{boost::beast::websocket::close_code::normal};
    /// Counts a read that a limit ended.
    void count(const boost::system::error_code& ec) noexcept;
};

} // namespace runnel::gateway::http
