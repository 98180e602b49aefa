#include "ws_layer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// A client masks what it sends through a buffer of this size: one syscall per this much.
constexpr std::size_t write_buffer = 64 * 1024;

/// The stream below is borrowed (a reference): client_stream owns it and closes it.
/// No permessage-deflate: the bench measures the protocol, not compression.
template <class Next>
class beast_ws_layer final : public ws_layer {
public:
    explicit beast_ws_layer(Next& next) : ws_(next) {}

    asio::awaitable<error_code> handshake(std::string host, ws_settings s) override {
        ws_.binary(s.binary);
        ws_.write_buffer_bytes(write_buffer);
        ws_.set_option(websocket::stream_base::decorator([sub = s.subprotocol](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, "runnel-bench");
            req.set(beast::http::field::sec_websocket_protocol, sub);
        }));
        websocket::response_type res;
        auto [ec] = co_await ws_.async_handshake(res, host, s.path, use_tuple);
        if (ec) co_return ec;
        if (res[beast::http::field::sec_websocket_protocol] != s.subprotocol) {
            co_return make_error_code(boost::system::errc::protocol_not_supported);
        }
        co_return error_code{};
    }

    asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer b) override {
        auto [ec, n] = co_await ws_.async_read_some(b, use_tuple);
        co_return std::pair{ec, n};
    }

    asio::awaitable<std::pair<error_code, std::string_view>> read_message() override {
        in_.consume(in_.size()); // the capacity stays: no allocation once it fits a message
        auto [ec, n] = co_await ws_.async_read(in_, use_tuple);
        auto data = in_.cdata();
        co_return std::pair{ec, std::string_view(static_cast<const char*>(data.data()), ec ? 0 : data.size())};
    }

    asio::awaitable<error_code> write(asio::const_buffer b) override {
        auto [ec, n] = co_await ws_.async_write(b, use_tuple);
        co_return ec;
    }

    asio::awaitable<error_code> close() override {
        auto [ec] = co_await ws_.async_close(websocket::close_code::normal, use_tuple);
        co_return ec;
    }

private:
    websocket::stream<Next&, false> ws_;
    beast::flat_buffer in_;
};

} // namespace

std::unique_ptr<ws_layer> make_ws_layer(asio::ip::tcp::socket& next) {
    return std::make_unique<beast_ws_layer<asio::ip::tcp::socket>>(next);
}

std::unique_ptr<ws_layer> make_ws_layer(asio::ssl::stream<asio::ip::tcp::socket>& next) {
    return std::make_unique<beast_ws_layer<asio::ssl::stream<asio::ip::tcp::socket>>>(next);
}

} // namespace runnel::bench_tool
