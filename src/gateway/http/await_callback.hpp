#pragma once
// Turns a callback API (the broker's: the callback runs later on this worker, or inline) into
// an awaitable for the HTTP coroutines.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace runnel::gateway::http {

/// Calls `start(cb)` and waits until `cb(value)` has run on this coroutine's worker.
template <class T, class Start>
boost::asio::awaitable<T> await_callback(Start start) {
    namespace asio = boost::asio;
    struct state {
        explicit state(asio::any_io_executor ex) : wake(ex, asio::steady_timer::time_point::max()) {}
        std::optional<T> value;
        asio::steady_timer wake;
    };
    auto st = std::make_shared<state>(co_await asio::this_coro::executor);
    start([st](T v) {
        st->value.emplace(std::move(v));
        st->wake.cancel();
    });
    while (!st->value) co_await st->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return std::move(*st->value);
}

} // namespace runnel::gateway::http
