#include "runnel/gateway/http/ws_transport.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

void ws_transport::count(const boost::system::error_code& ec) noexcept {
    if (!stats_) return;
    if (ec == websocket::error::message_too_big) stats_->hit(limits::limit::frame_size);
    else if (ec == boost::beast::error::timeout) stats_->hit(limits::limit::idle_timeout);
}

asio::awaitable<net::io_result> ws_transport::read_some(asio::mutable_buffer buf) {
    auto [ec, n] = co_await ws_.async_read_some(buf, asio::as_tuple(asio::use_awaitable));
    if (ec) count(ec);
    co_return net::io_result{ec, n};
}

asio::awaitable<net::io_result> ws_transport::read_message(std::string& out, bool& binary) {
    boost::beast::flat_buffer buf;
    auto [ec, n] = co_await ws_.async_read(buf, asio::as_tuple(asio::use_awaitable));
    binary = ws_.got_binary();
    if (ec) count(ec);
    out.assign(static_cast<const char*>(buf.data().data()), buf.size());
    co_return net::io_result{ec, n};
}

asio::awaitable<net::io_result> ws_transport::write(std::span<const asio::const_buffer> bufs) {
    if (!ws_.binary() && bufs.size() > 1) { // text (JSON): one message per buffer
        // One message per buffer; all but the last are only gathered, the last carries them.
        auto& low = ws_.next_layer();
        std::size_t total = 0;
        low.cork();
        for (std::size_t i = 0; i < bufs.size(); ++i) {
            if (i + 1 == bufs.size()) low.flush_on_next_write();
            auto [ec, n] = co_await ws_.async_write(bufs[i], asio::as_tuple(asio::use_awaitable));
            if (ec) {
                low.reset_cork();
                co_return net::io_result{ec, total};
            }
            total += n;
        }
        co_return net::io_result{{}, total};
    }
    std::vector<asio::const_buffer> v(bufs.begin(), bufs.end());
    auto [ec, n] = co_await ws_.async_write(v, asio::as_tuple(asio::use_awaitable));
    co_return net::io_result{ec, n};
}

asio::awaitable<void> ws_transport::shutdown() {
    co_await ws_.async_close(close_, asio::as_tuple(asio::use_awaitable));
}

} // namespace runnel::gateway::http
