#pragma once
/// Accepts connections on one address and hands each socket, already bound to the worker it
/// will live on (round robin), to the owner's callback on that worker. Refuses (closes at once,
/// before reading a byte or a TLS handshake, and counts) a connection past the listener's
/// `max_connections` or past `per_address`'s limit for its source address.
/// Affinity: the accept loop runs on worker 0; `on_accept` runs on the connection's worker.
#include "runnel/limits/address_counter.hpp"
#include "runnel/limits/stats.hpp"
#include "runnel/net/runtime.hpp"
#include "runnel/net/tls_server.hpp"
#include "runnel/net/transport.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace runnel::net {

class listener {
public:
    /// `slot` counts the connection against the listener's limit until it is destroyed.
    using accept_fn = std::function<void(transport_ptr, std::size_t worker, std::shared_ptr<void> slot)>;

    /// What a listener refuses: its own connection cap (0 = none), the per-address table shared
    /// by the node's client listeners (null = no per-address limit), and where refusals count.
    struct admission {
        std::size_t max_connections = 0;
        std::shared_ptr<limits::address_counter> per_address;
        limits::stats* stats = nullptr;
    };

    /// Binds at once (so port 0 is resolved and bind errors surface at startup; throws
    /// std::runtime_error naming the address). `tls` may be null (plain TCP); each accepted
    /// connection takes its current context, so tls->reload() affects only later ones.
    listener(runtime& rt, const std::string& host, std::uint16_t port,
             std::shared_ptr<tls_server> tls, admission limits, accept_fn fn);
    ~listener();

    void start();
    /// Stops accepting; existing connections are untouched.
    void stop();
    std::uint16_t port() const noexcept { return port_; }
    const std::string& host() const noexcept { return host_; }
    bool tls() const noexcept { return tls_ != nullptr; }
    /// Null for a plain listener.
    tls_server* tls_settings() const noexcept { return tls_.get(); }

    std::size_t live() const noexcept { return live_->load(std::memory_order_relaxed); }

private:
    boost::asio::awaitable<void> accept_loop();
    /// The slot of the connection's source address, or null (then closes it and counts).
    bool admit(boost::asio::ip::tcp::socket& socket, std::shared_ptr<void>& address_slot);
    void hand_over(boost::asio::ip::tcp::socket socket, std::size_t worker, std::shared_ptr<void> address_slot);
    runtime& rt_;
    std::string host_;
    std::uint16_t port_ = 0;
    std::shared_ptr<tls_server> tls_;
    admission limits_;
    accept_fn on_accept_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<std::atomic<std::size_t>> live_ = std::make_shared<std::atomic<std::size_t>>(0);
};

} // namespace runnel::net
