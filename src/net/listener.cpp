#include "runnel/net/listener.hpp"

#include "runnel/net/tcp_transport.hpp"
#include "runnel/obs/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace runnel::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

listener::listener(runtime& rt, const std::string& host, std::uint16_t port,
                   std::shared_ptr<tls_server> tls, admission limits, accept_fn fn)
    : rt_(rt), host_(host), tls_(std::move(tls)), limits_(std::move(limits)),
      on_accept_(std::move(fn)), acceptor_(rt.context(0)) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("cannot parse listen address '" + host + "'");
    tcp::endpoint ep(addr, port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
}

listener::~listener() = default;

void listener::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void listener::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
}

asio::awaitable<void> listener::accept_loop() {
    for (;;) {
        auto worker = rt_.next();
        auto [ec, socket] = co_await acceptor_.async_accept(rt_.context(worker), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            // EMFILE and friends: log, back off briefly, keep accepting.
            RUNNEL_LOG_WARN(obs::net_log(), "accept on {}:{} failed: {}", host_, port_, ec.message());
            asio::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        tcp::socket accepted(std::move(socket));
        std::shared_ptr<void> address_slot;
        if (!admit(accepted, address_slot)) continue;
        hand_over(std::move(accepted), worker, std::move(address_slot));
    }
}

bool listener::admit(tcp::socket& socket, std::shared_ptr<void>& address_slot) {
    auto refuse = [&](limits::limit why, const std::string& peer) {
        RUNNEL_LOG_DEBUG(obs::net_log(), "listener {}:{} refused a connection peer={} limit={}", host_, port_, peer,
                         limits::name(why));
        if (limits_.stats) limits_.stats->hit(why);
        boost::system::error_code ignored;
        socket.close(ignored);
        return false;
    };
    if (limits_.max_connections != 0 && live_->load(std::memory_order_relaxed) >= limits_.max_connections) {
        return refuse(limits::limit::listener_connections, "-");
    }
    if (!limits_.per_address) return true;
    boost::system::error_code ec;
    auto addr = socket.remote_endpoint(ec).address();
    if (ec) { // the peer is gone already
        socket.close(ec);
        return false;
    }
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    auto key = addr.to_string();
    address_slot = limits_.per_address->acquire(key);
    return address_slot ? true : refuse(limits::limit::connections_per_address, key);
}

void listener::hand_over(tcp::socket socket, std::size_t worker, std::shared_ptr<void> address_slot) {
    live_->fetch_add(1, std::memory_order_relaxed);
    // The slot gives back the listener's count and the address's when the connection ends.
    std::shared_ptr<void> slot(nullptr, [live = live_, a = std::move(address_slot)](void*) mutable {
        live->fetch_sub(1, std::memory_order_relaxed);
        a.reset();
    });
    // The socket already belongs to `worker`'s io_context; finish on that thread.
    asio::post(socket.get_executor(), [this, s = std::move(socket), slot = std::move(slot), worker]() mutable {
        auto t = tls_ ? make_tls_transport(std::move(s), tls_) : make_tcp_transport(std::move(s));
        on_accept_(std::move(t), worker, std::move(slot));
    });
}

} // namespace runnel::net
