#include "runnel/net/tcp_transport.hpp"

#include "runnel/net/tls_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
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

/// Holds a server transport's context; a base listed before the stream, so it is built
/// before and destroyed after the stream made from it.
struct context_holder {
    std::shared_ptr<asio::ssl::context> held_context; // the listener's context current at accept
};

/// Server side (`server` set) or client side: the client handshake sends SNI and checks
/// the server's name.
class tls_transport final : private context_holder, public stream_transport<asio::ssl::stream<tcp::socket>> {
public:
    tls_transport(tcp::socket s, asio::ssl::context& ctx, std::optional<std::string> client_host = std::nullopt)
        : stream_transport(describe(s), std::move(s), ctx), client_host_(std::move(client_host)) {
        lowest().set_option(tcp::no_delay(true));
    }
    tls_transport(tcp::socket s, std::shared_ptr<asio::ssl::context> ctx, std::shared_ptr<const tls_server> server)
        : context_holder{std::move(ctx)}, stream_transport(describe(s), std::move(s), *held_context),
          server_(std::move(server)) {
        lowest().set_option(tcp::no_delay(true));
    }
    asio::awaitable<boost::system::error_code> handshake() override {
        if (server_) co_return co_await server_handshake();
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
    std::optional<std::string> peer_identity() const override { return identity_; }

private:
    /// Races the handshake against tls.handshake_timeout: a client that opens TCP and never
    /// finishes the handshake (or trickles it) is closed and counted.
    asio::awaitable<boost::system::error_code> server_handshake() {
        struct race {
            bool done = false;
            bool timed_out = false;
        };
        auto state = std::make_shared<race>();
        asio::steady_timer deadline(stream_.get_executor(), server_->options().handshake_timeout);
        // Runs on this worker like the handshake; once `done` is set it must not touch `this`.
        deadline.async_wait([this, state](const boost::system::error_code& ec) {
            if (ec || state->done) return;
            state->timed_out = true;
            boost::system::error_code ignored;
            lowest().close(ignored);
        });
        auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
        state->done = true;
        deadline.cancel();
        const auto& c = server_->counters();
        if (state->timed_out) {
            if (c.handshake_timeouts) c.handshake_timeouts->inc();
            if (c.limits) c.limits->hit(limits::limit::handshake_timeout);
            co_return asio::error::timed_out;
        }
        if (ec) {
            if (c.handshake_errors) c.handshake_errors->inc();
            co_return ec;
        }
        identity_ = net::peer_identity(stream_.native_handle(), server_->options().identity);
        co_return ec;
    }

    std::shared_ptr<const tls_server> server_;
    std::optional<std::string> client_host_;
    std::optional<std::string> identity_;
};

} // namespace

transport_ptr make_tcp_transport(tcp::socket socket) {
    return std::make_unique<tcp_transport>(std::move(socket));
}

transport_ptr make_tls_transport(tcp::socket socket, std::shared_ptr<const tls_server> server) {
    auto ctx = server->current();
    return std::make_unique<tls_transport>(std::move(socket), std::move(ctx), std::move(server));
}

transport_ptr make_tls_client_transport(tcp::socket socket, asio::ssl::context& ctx, std::string host) {
    return std::make_unique<tls_transport>(std::move(socket), ctx, std::move(host));
}

} // namespace runnel::net
