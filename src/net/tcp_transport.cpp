#include "runnel/net/tcp_transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <optional>

namespace runnel::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct peer_info {
    std::string remote = "?";
    bool loopback = false;
};

peer_info describe(const tcp::socket& s) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return {};
    auto a = ep.address();
    auto host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    bool loop = a.is_loopback() || (a.is_v6() && a.to_v6().is_v4_mapped() &&
                                    asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback());
    return {host + ":" + std::to_string(ep.port()), loop};
}

/// Shared by both transports: Stream is tcp::socket or ssl::stream<tcp::socket>.
template <class Stream>
class stream_transport : public transport {
public:
    // `peer` is computed from the socket before the socket is moved into the stream.
    template <class... Args>
    explicit stream_transport(peer_info peer, Args&&... args)
        : stream_(std::forward<Args>(args)...), remote_(std::move(peer.remote)), loopback_(peer.loopback) {}
    asio::awaitable<io_result> read_some(asio::mutable_buffer buf) override {
        auto [ec, n] = co_await stream_.async_read_some(buf, use_tuple);
        co_return io_result{ec, n};
    }
    asio::awaitable<boost::system::error_code> wait_readable() override {
        auto [ec] = co_await lowest().async_wait(tcp::socket::wait_read, use_tuple);
        co_return ec;
    }
    asio::awaitable<io_result> write(std::span<const asio::const_buffer> bufs) override {
        auto [ec, n] = co_await asio::async_write(stream_, bufs, use_tuple);
        co_return io_result{ec, n};
    }
    void close() noexcept override {
        boost::system::error_code ignored;
        lowest().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close(ignored);
    }
    asio::any_io_executor executor() override { return stream_.get_executor(); }
    const std::string& remote() const noexcept override { return remote_; }
    bool loopback() const noexcept override { return loopback_; }

protected:
    auto& lowest() { return stream_.lowest_layer(); }
    Stream stream_;
    std::string remote_;
    bool loopback_ = false;
};

class tcp_transport final : public stream_transport<tcp::socket> {
public:
    explicit tcp_transport(tcp::socket s) : stream_transport(describe(s), std::move(s)) {
        stream_.set_option(tcp::no_delay(true));
    }
    asio::awaitable<boost::system::error_code> handshake() override { co_return boost::system::error_code{}; }
    bool idle() noexcept override {
        boost::system::error_code ec;
        return stream_.available(ec) == 0 && !ec;
    }
    asio::awaitable<void> shutdown() override {
        boost::system::error_code ignored;
        stream_.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    const char* kind() const noexcept override { return "tcp"; }
};

/// Server side (no `client_host`) or client side: the client handshake sends SNI and checks
/// the server's name.
class tls_transport final : public stream_transport<asio::ssl::stream<tcp::socket>> {
public:
    tls_transport(tcp::socket s, asio::ssl::context& ctx, std::optional<std::string> client_host = std::nullopt)
        : stream_transport(describe(s), std::move(s), ctx), client_host_(std::move(client_host)) {
        lowest().set_option(tcp::no_delay(true));
    }
    asio::awaitable<boost::system::error_code> handshake() override {
        auto role = asio::ssl::stream_base::server;
        if (client_host_) {
            role = asio::ssl::stream_base::client;
            boost::system::error_code not_ip;
            asio::ip::make_address(*client_host_, not_ip);
            if (not_ip) SSL_set_tlsext_host_name(stream_.native_handle(), client_host_->c_str());
            if (SSL_get_verify_mode(stream_.native_handle()) & SSL_VERIFY_PEER)
                stream_.set_verify_callback(asio::ssl::host_name_verification(*client_host_));
        }
        auto [ec] = co_await stream_.async_handshake(role, use_tuple);
        co_return ec;
    }
    asio::awaitable<void> shutdown() override {
        // close_notify; a peer that never answers is cut off by the caller's close().
        co_await stream_.async_shutdown(use_tuple);
    }
    const char* kind() const noexcept override { return "tls"; }

private:
    std::optional<std::string> client_host_;
};

} // namespace

transport_ptr make_tcp_transport(tcp::socket socket) {
    return std::make_unique<tcp_transport>(std::move(socket));
}

transport_ptr make_tls_transport(tcp::socket socket, asio::ssl::context& ctx) {
    return std::make_unique<tls_transport>(std::move(socket), ctx);
}

transport_ptr make_tls_client_transport(tcp::socket socket, asio::ssl::context& ctx, std::string host) {
    return std::make_unique<tls_transport>(std::move(socket), ctx, std::move(host));
}

} // namespace runnel::net
