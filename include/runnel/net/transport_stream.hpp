#pragma once
/// An Asio AsyncReadStream/AsyncWriteStream over a net::transport, so Beast (HTTP parser,
/// WebSocket) can run on whatever transport a listener produced (TCP or TLS) without knowing
/// which. Owns the transport.
/// Affinity: the transport's worker only.
#include "runnel/net/transport.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/error.hpp>

#include <vector>

namespace runnel::net {

class transport_stream {
public:
    using executor_type = boost::asio::any_io_executor;

    explicit transport_stream(transport_ptr t) : t_(std::move(t)) {}
    executor_type get_executor() { return t_->executor(); }
    transport& inner() noexcept { return *t_; }

    template <class MutableBufferSequence, class Handler>
    auto async_read_some(const MutableBufferSequence& buffers, Handler&& handler) {
        boost::asio::mutable_buffer first;
        for (auto b : boost::beast::buffers_range_ref(buffers)) {
            if (b.size() > 0) { first = b; break; }
        }
        return boost::asio::async_initiate<Handler, void(boost::system::error_code, std::size_t)>(
            [t = t_.get(), first](auto h) {
                boost::asio::co_spawn(t->executor(), t->read_some(first),
                    [h = std::move(h)](std::exception_ptr, io_result r) mutable { std::move(h)(r.ec, r.bytes); });
            }, handler);
    }

    template <class ConstBufferSequence, class Handler>
    auto async_write_some(const ConstBufferSequence& buffers, Handler&& handler) {
        std::vector<boost::asio::const_buffer> bufs;
        for (auto b : boost::beast::buffers_range_ref(buffers)) bufs.push_back(b);
        return boost::asio::async_initiate<Handler, void(boost::system::error_code, std::size_t)>(
            [t = t_.get(), bufs = std::move(bufs)](auto h) mutable {
                // The vector moves into the coroutine frame, which outlives the write.
                boost::asio::co_spawn(t->executor(),
                    [t, bufs = std::move(bufs)]() -> boost::asio::awaitable<io_result> { co_return co_await t->write(bufs); },
                    [h = std::move(h)](std::exception_ptr, io_result r) mutable { std::move(h)(r.ec, r.bytes); });
            }, handler);
    }

private:
    transport_ptr t_;
};

// Beast's WebSocket timeouts and close handshake end the next layer through these (found by ADL).
inline void beast_close_socket(transport_stream& s) { s.inner().close(); }

inline void teardown(boost::beast::role_type, transport_stream& s, boost::system::error_code& ec) {
    s.inner().close();
    ec = {};
}

template <class Handler>
void async_teardown(boost::beast::role_type, transport_stream& s, Handler&& handler) {
    s.inner().close();
    boost::asio::post(s.get_executor(), [h = std::forward<Handler>(handler)]() mutable { h(boost::system::error_code{}); });
}

} // namespace runnel::net
