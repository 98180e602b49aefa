#pragma once
/// TCP and TLS-over-TCP transports.
#include "runnel/net/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace runnel::net {

transport_ptr make_tcp_transport(boost::asio::ip::tcp::socket socket);
transport_ptr make_tls_transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx);

} // namespace runnel::net
