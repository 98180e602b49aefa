#pragma once
/// The client side of one broker connection: plain TCP or TLS over TCP, and optionally a
/// WebSocket on top (ws_layer), chosen at construction. Connects (TLS client handshake with SNI,
/// WebSocket opening handshake), reads, writes, closes. Over WebSocket, read_some() and write()
/// carry message payloads (a write is one message); read_message() reads one whole message.
/// Affinity: the io_context it was built on. Owned by its bench client.
#include "ws_layer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runnel::bench_tool {

class client_stream {
public:
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

    /// `tls` null = plain TCP; otherwise it must outlive the stream. `ws` set = WebSocket.
    client_stream(boost::asio::io_context& io, boost::asio::ssl::context* tls, std::optional<ws_settings> ws);
    ~client_stream();

    /// TCP connect (TCP_NODELAY on), then the TLS handshake when TLS (`host` is the SNI name),
    /// then the WebSocket handshake when WebSocket.
    boost::asio::awaitable<error_code> connect(tcp::endpoint ep, std::string host);
    boost::asio::awaitable<std::pair<error_code, std::size_t>> read_some(boost::asio::mutable_buffer b);
    /// WebSocket only: one whole message, valid until the next read.
    boost::asio::awaitable<std::pair<error_code, std::string_view>> read_message();
    /// Writes all of `b` (WebSocket: as one message); the caller keeps the bytes alive until it
    /// resumes.
    boost::asio::awaitable<error_code> write(boost::asio::const_buffer b);
    /// WebSocket: the closing handshake; otherwise nothing.
    boost::asio::awaitable<void> close_gracefully();
    /// Abortive close; pending operations complete with an error. Idempotent.
    void close() noexcept;

private:
    tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : tcp_; }

    tcp::socket tcp_;
    std::optional<boost::asio::ssl::stream<tcp::socket>> tls_;
    std::optional<ws_settings> ws_settings_;
    std::unique_ptr<ws_layer> ws_; // after tcp_/tls_: it borrows them, so it goes first
};

} // namespace runnel::bench_tool
