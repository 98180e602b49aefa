#include "client_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

client_stream::client_stream(asio::io_context& io, asio::ssl::context* tls, std::optional<ws_settings> ws)
    : tcp_(io), ws_settings_(std::move(ws)) {
    if (tls) tls_.emplace(io, *tls);
}

client_stream::~client_stream() = default;

asio::awaitable<client_stream::error_code> client_stream::connect(tcp::endpoint ep, std::string host) {
    auto [ec] = co_await socket().async_connect(ep, use_tuple);
    if (ec) co_return ec;
    socket().set_option(tcp::no_delay(true), ec);
    if (tls_) {
        // SNI and host name verification (used only when the context verifies peers).
        SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
        tls_->set_verify_callback(asio::ssl::host_name_verification(host));
        auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (hec) co_return hec;
    }
    if (!ws_settings_) co_return error_code{};
    ws_ = tls_ ? make_ws_layer(*tls_) : make_ws_layer(tcp_);
    co_return co_await ws_->handshake(host + ":" + std::to_string(ep.port()), *ws_settings_);
}

asio::awaitable<std::pair<client_stream::error_code, std::size_t>> client_stream::read_some(asio::mutable_buffer b) {
    if (ws_) co_return co_await ws_->read_some(b);
    if (tls_) {
        auto [ec, n] = co_await tls_->async_read_some(b, use_tuple);
        co_return std::pair{ec, n};
    }
    auto [ec, n] = co_await tcp_.async_read_some(b, use_tuple);
    co_return std::pair{ec, n};
}

asio::awaitable<std::pair<client_stream::error_code, std::string_view>> client_stream::read_message() {
    if (!ws_) co_return std::pair{make_error_code(boost::system::errc::not_connected), std::string_view{}};
    co_return co_await ws_->read_message();
}

asio::awaitable<client_stream::error_code> client_stream::write(asio::const_buffer b) {
    if (ws_) co_return co_await ws_->write(b);
    if (tls_) {
        auto [ec, n] = co_await asio::async_write(*tls_, b, use_tuple);
        co_return ec;
    }
    auto [ec, n] = co_await asio::async_write(tcp_, b, use_tuple);
    co_return ec;
}

asio::awaitable<void> client_stream::close_gracefully() {
    if (ws_) co_await ws_->close();
}

void client_stream::close() noexcept {
    error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

} // namespace runnel::bench_tool
