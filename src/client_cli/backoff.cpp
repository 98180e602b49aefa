#include "backoff.hpp"

#include "printer.hpp"
#include "runnel/client_cli/errors.hpp"
#include "watchdog.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace runnel::client_cli {
namespace asio = boost::asio;

std::chrono::milliseconds backoff::delay(int n) const noexcept {
    auto d = base_;
    for (int i = 0; i < n && d < cap; ++i) d *= 2;
    return std::min(d, cap);
}

void backoff::set_base(std::chrono::milliseconds b) noexcept {
    base_ = std::clamp(b, std::chrono::milliseconds(100), cap);
}

asio::awaitable<void> backoff::wait(const std::string& why) {
    if (attempts_ >= max_attempts)
        throw failure(why + "; gave up after " + std::to_string(max_attempts) + " reconnects");
    auto d = delay(attempts_++);
    note(why + "; reconnecting in " + describe(d));
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(use_tuple);
}

} // namespace runnel::client_cli
