#pragma once
/// The WebSocket client of a bench connection (Beast, kept in ws_layer.cpp), on top of the
/// connected TCP socket or TLS stream of a client_stream, which owns that stream.
/// handshake() upgrades with a path and a subprotocol and fails unless the server picks that
/// subprotocol. Then read_some() reads message payloads as one byte stream (MQTT over WebSocket:
/// a packet may span frames, a frame may hold several packets), read_message() reads one whole
/// message, and write() sends one message (binary or text, as set).
/// Affinity: the executor of the stream below. Owned by its client_stream.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace runnel::bench_tool {

struct ws_settings {
    std::string path;        // request target, e.g. "/mqtt"
    std::string subprotocol; // "mqtt" or "runnel.json"
    bool binary = true;      // message type of write()
};

class ws_layer {
public:
    using error_code = boost::system::error_code;

    virtual ~ws_layer() = default;

    /// The opening handshake; `host` is the Host header ("name:port").
    virtual boost::asio::awaitable<error_code> handshake(std::string host, ws_settings s) = 0;
    virtual boost::asio::awaitable<std::pair<error_code, std::size_t>> read_some(boost::asio::mutable_buffer b) = 0;
    /// One whole message; the view stays valid until the next read.
    virtual boost::asio::awaitable<std::pair<error_code, std::string_view>> read_message() = 0;
    /// One message with the bytes of `b`; the caller keeps them alive until it resumes.
    virtual boost::asio::awaitable<error_code> write(boost::asio::const_buffer b) = 0;
    /// The closing handshake (code 1000).
    virtual boost::asio::awaitable<error_code> close() = 0;
};

std::unique_ptr<ws_layer> make_ws_layer(boost::asio::ip::tcp::socket& next);
std::unique_ptr<ws_layer> make_ws_layer(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& next);

} // namespace runnel::bench_tool
