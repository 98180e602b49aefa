#pragma once
/// The TCP (+TLS) connect to an endpoint, and the client TLS context for it.
/// Affinity: the io_context of the calling coroutine.
#include "runnel/client_cli/options.hpp"
#include "runnel/net/transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>

namespace runnel::client_cli {

/// Resolves the host, connects (TCP_NODELAY), and runs the TLS client handshake when the
/// endpoint is TLS (`tls` must then be non-null and outlive the transport). Throws failure
/// ("cannot connect to 127.0.0.1:1883: Connection refused") within `timeout`.
boost::asio::awaitable<net::transport_ptr> open_transport(endpoint e, boost::asio::ssl::context* tls,
                                                         std::chrono::milliseconds timeout);

/// The client TLS context of the connection options (--cafile, --cert/--key, --insecure); null
/// when the endpoint is not TLS. Throws failure naming a file that cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls(const endpoint& e, const connection_options& o);

} // namespace runnel::client_cli
