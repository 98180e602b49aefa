#pragma once
/// TCP and TLS-over-TCP transports.
#include "runnel/net/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace runnel::net {

transport_ptr make_tcp_transport(boost::asio::ip::tcp::socket socket);
class tls_server;
/// The server side of TLS with `server`'s current context (kept alive by the transport, so a
/// reload never touches it): handshake() gives up after the server's handshake_timeout and
/// counts, and afterwards peer_identity() names the client per the server's identity mode.
transport_ptr make_tls_transport(boost::asio::ip::tcp::socket socket, std::shared_ptr<const tls_server> server);
/// The client side of TLS (a connected socket): handshake() is the client handshake. It sends
/// `host` as SNI (not when it is an IP address, RFC 6066) and, when `ctx` verifies peers,
/// requires the certificate to name `host`. `ctx` must outlive the transport.
transport_ptr make_tls_client_transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx,
                                        std::string host);

} // namespace runnel::net
