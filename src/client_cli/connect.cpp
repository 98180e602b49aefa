#include "connect.hpp"

#include "watchdog.hpp"

#include "runnel/client_cli/options.hpp"
#include "runnel/net/tcp_transport.hpp"
#include "runnel/net/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/err.h>

namespace runnel::client_cli {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// OpenSSL's reason ("certificate verify failed") says more than Asio's category text.
std::string tls_error_text(const boost::system::error_code& ec) {
    if (ec.category() == asio::error::get_ssl_category()) {
        if (const char* r = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) return r;
    }
    return ec.message();
}

} // namespace

asio::awaitable<net::transport_ptr> open_transport(endpoint e, asio::ssl::context* tls, std::chrono::milliseconds timeout) {
    auto ex = co_await asio::this_coro::executor;
    const std::string where = "cannot connect to " + e.authority();
    tcp::resolver resolver(ex);
    auto [rec, addrs] = co_await resolver.async_resolve(e.host, std::to_string(e.port), use_tuple);
    if (rec) throw failure(where + ": " + rec.message());
    tcp::socket socket(ex);
    boost::system::error_code ec = asio::error::host_not_found;
    {
        watchdog wd(ex, [&socket] {
            boost::system::error_code ignored;
            socket.close(ignored);
        });
        wd.arm(timeout);
        for (const auto& a : addrs) {
            boost::system::error_code ignored;
            socket.close(ignored);
            std::tie(ec) = co_await socket.async_connect(a.endpoint(), use_tuple);
            if (!ec || wd.expired()) break;
        }
        if (wd.expired()) throw failure(where + ": timed out after " + describe(timeout));
    }
    if (ec) throw failure(where + ": " + ec.message());
    if (!e.tls) co_return net::make_tcp_transport(std::move(socket));
    auto t = net::make_tls_client_transport(std::move(socket), *tls, e.host);
    watchdog wd(ex, *t);
    wd.arm(timeout);
    auto hec = co_await t->handshake();
    wd.disarm();
    if (wd.expired()) throw failure("TLS handshake with " + e.authority() + ": timed out after " + describe(timeout));
    if (hec) throw failure("TLS handshake with " + e.authority() + " failed: " + tls_error_text(hec));
    co_return t;
}

std::unique_ptr<asio::ssl::context> make_tls(const endpoint& e, const connection_options& o) {
    if (!e.tls) return nullptr;
    try {
        return net::make_client_tls({.ca = o.cafile, .cert = o.cert, .key = o.key, .verify = !o.insecure});
    } catch (const std::runtime_error& err) {
        throw failure(err.what());
    }
}

} // namespace runnel::client_cli
