#pragma once
/// An Asio AsyncReadStream/AsyncWriteStream over a net::transport, so Beast (HTTP parser,
/// WebSocket) can run on whatever transport a listener produced (TCP or TLS) without knowing
/// which. Owns the transport.
///
/// Corking: between cork() and the write after flush_on_next_write(), writes are only gathered
/// (and complete at once); that next write sends everything gathered plus its own bytes in one
/// call. A WebSocket writer uses it to put many messages into one syscall while every byte
/// still goes through Beast's write path (and its write lock), so control frames that Beast
/// writes meanwhile land in order.
/// Affinity: the transport's worker only.
#include "runnel/net/transport.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/error.hpp>

#include <boost/asio/post.hpp>

#include <string>
#include <vector>

namespace runnel::net {

class transport_stream {
public:
    using executor_type = boost::asio::any_io_executor;

    explicit transport_stream(transport_ptr t) : t_(std::move(t)) {}
    executor_type get_executor() { return t_->executor(); }
    transport& inner() noexcept { return *t_; }
    const transport& inner() const noexcept { return *t_; }

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

    void cork() noexcept { cork_state_ = cork_state::gathering; }
    void flush_on_next_write() noexcept { cork_state_ = cork_state::flush_next; }
    /// Drops what was gathered (the writer failed).
    void reset_cork() noexcept {
        cork_state_ = cork_state::off;
        gathered_.clear();
    }

    template <class ConstBufferSequence, class Handler>
    auto async_write_some(const ConstBufferSequence& buffers, Handler&& handler) {
        using sig = void(boost::system::error_code, std::size_t);
        if (cork_state_ == cork_state::gathering) {
            std::size_t n = 0;
            for (auto b : boost::beast::buffers_range_ref(buffers)) {
                gathered_.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            return boost::asio::async_initiate<Handler, sig>(
                [ex = get_executor(), n](auto h) {
                    boost::asio::post(ex, [h = std::move(h), n]() mutable { std::move(h)(boost::system::error_code{}, n); });
                }, handler);
        }
        // What was gathered goes first, in the same write; the caller is told only of its bytes.
        std::string held;
        if (cork_state_ == cork_state::flush_next) {
            held = std::move(gathered_);
            gathered_.clear();
            cork_state_ = cork_state::off;
        }
        std::vector<boost::asio::const_buffer> bufs;
        for (auto b : boost::beast::buffers_range_ref(buffers)) bufs.push_back(b);
        return boost::asio::async_initiate<Handler, sig>(
            [t = t_.get(), bufs = std::move(bufs), held = std::move(held)](auto h) mutable {
                // The vector and the held bytes move into the coroutine frame, which outlives the write.
                auto extra = held.size();
                boost::asio::co_spawn(t->executor(),
                    [t, bufs = std::move(bufs), held = std::move(held)]() mutable -> boost::asio::awaitable<io_result> {
                        if (!held.empty()) bufs.insert(bufs.begin(), boost::asio::const_buffer(held.data(), held.size()));
                        co_return co_await t->write(bufs);
                    },
                    [h = std::move(h), extra](std::exception_ptr, io_result r) mutable {
                        std::move(h)(r.ec, r.bytes >= extra ? r.bytes - extra : 0);
                    });
            }, handler);
    }

private:
    enum class cork_state { off, gathering, flush_next };
    transport_ptr t_;
    cork_state cork_state_ = cork_state::off;
    std::string gathered_;
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
