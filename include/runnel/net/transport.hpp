#pragma once
/// A byte stream to one client, whatever carries it (TCP, TLS, later WebSocket). Gateways speak
/// to this interface so one session implementation serves every transport.
/// Affinity: used only on the worker the connection was accepted onto.
/// Ownership: the transport owns its socket; the connection coroutine owns the transport.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace runnel::net {

struct io_result {
    boost::system::error_code ec;
    std::size_t bytes = 0;
};

class transport {
public:
    virtual ~transport() = default;

    /// Server side of the transport's own handshake (TLS); a no-op for plain TCP.
    virtual boost::asio::awaitable<boost::system::error_code> handshake() = 0;
    virtual boost::asio::awaitable<io_result> read_some(boost::asio::mutable_buffer buf) = 0;
    /// True when there is nothing to read right now, so the caller may give its read buffer
    /// back and park in wait_readable() (idle connections then hold no buffer). A transport
    /// that cannot tell says false (TLS may hold decrypted bytes the socket does not show).
    virtual bool idle() noexcept { return false; }
    /// Resolves when bytes (or the end of the stream) can be read; needs no buffer. Only for
    /// after idle() said true (the default, for transports whose idle() is false, returns at once).
    virtual boost::asio::awaitable<boost::system::error_code> wait_readable() { co_return boost::system::error_code{}; }
    /// Writes all of `bufs` (gather write). The caller awaits it at once, so the span outlives it.
    virtual boost::asio::awaitable<io_result> write(std::span<const boost::asio::const_buffer> bufs) = 0;
    /// Graceful end: TLS close_notify where there is one, then a TCP send shutdown.
    virtual boost::asio::awaitable<void> shutdown() = 0;
    /// Abortive end: cancels pending operations and closes the socket. Idempotent.
    virtual void close() noexcept = 0;

    virtual boost::asio::any_io_executor executor() = 0;
    /// "ip:port" of the peer, for logs.
    virtual const std::string& remote() const noexcept = 0;
    /// True when the peer address is in 127.0.0.0/8 or ::1.
    virtual bool loopback() const noexcept = 0;
    virtual const char* kind() const noexcept = 0; // "tcp", "tls", ...
    /// The client certificate's subject when the listener names clients by certificate
    /// (tls.identity cn|dn) and the client sent one that verified; known after handshake().
    /// Gateways put it in auth::credentials::certificate_subject.
    virtual std::optional<std::string> peer_identity() const { return std::nullopt; }
};

using transport_ptr = std::unique_ptr<transport>;

} // namespace runnel::net
