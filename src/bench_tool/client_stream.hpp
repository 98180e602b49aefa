#pragma once
/// The client side of one broker connection: plain TCP or TLS over TCP, chosen at
/// construction. Connects (and does the TLS client handshake with SNI), reads, writes, closes.
/// Affinity: the io_context it was built on. Owned by its bench client.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace runnel::bench_tool {

class client_stream {
public:
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

    /// `tls` null = plain TCP; otherwise it must outlive the stream.
    client_stream(boost::asio::io_context& io, boost::asio::ssl::context* tls);

    /// TCP connect (TCP_NODELAY on), then the TLS handshake when TLS; `host` is the SNI name.
    boost::asio::awaitable<error_code> connect(tcp::endpoint ep, std::string host);
    boost::asio::awaitable<std::pair<error_code, std::size_t>> read_some(boost::asio::mutable_buffer b);
    /// Writes all of `b`; the caller keeps the bytes alive until it resumes.
    boost::asio::awaitable<error_code> write(boost::asio::const_buffer b);
    /// Abortive close; pending operations complete with an error. Idempotent.
    void close() noexcept;

private:
    tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : tcp_; }

    tcp::socket tcp_;
    std::optional<boost::asio::ssl::stream<tcp::socket>> tls_;
};

} // namespace runnel::bench_tool
