#include "common.hpp"

#include "runnel/net/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>
#include <stdexcept>

#include <sys/resource.h>
#include <unistd.h>

namespace runnel::bench_tool {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

connection_setup make_setup(const bench_options& o) {
    connection_setup s;
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || results.empty()) throw std::runtime_error("cannot resolve " + o.host + ": " + ec.message());
    s.cfg.endpoint = results.begin()->endpoint();
    s.cfg.host = o.host;
    s.cfg.version = o.mqtt_version == 5 ? wire::version::v5 : wire::version::v311;
    s.cfg.transport = o.transport;
    s.cfg.ws_path = o.ws_path.empty() ? default_ws_path(o.transport) : o.ws_path;
    if (o.tls) {
        // The bench verifies the broker only against an explicit --cafile.
        s.tls = net::make_client_tls({.ca = o.cafile, .verify = !o.cafile.empty()});
        s.cfg.tls = s.tls.get();
    }
    return s;
}

namespace {
/// Raises RLIMIT_NOFILE towards `need` (up to the hard limit); returns the resulting soft limit.
std::size_t raise_fd_limit(std::size_t need) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < need) {
        lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : std::min<rlim_t>(need, lim.rlim_max);
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return static_cast<std::size_t>(lim.rlim_cur);
}

} // namespace

void ensure_fd_limit(std::size_t need) {
    rlimit before{};
    getrlimit(RLIMIT_NOFILE, &before);
    auto now = raise_fd_limit(need);
    if (now < need) {
        throw std::runtime_error("the run needs " + std::to_string(need) + " file descriptors; the open-file limit is " +
                                 std::to_string(now) + " (raise the hard limit: ulimit -Hn)");
    }
    if (now > before.rlim_cur) {
        std::cerr << "runnel bench: raised the open-file limit from " << before.rlim_cur << " to " << now << "\n";
    }
}

std::string client_id(char role, std::size_t i) {
    return "rb" + std::to_string(::getpid()) + "-" + role + std::to_string(i);
}

std::string topic_prefix(const bench_options& o) {
    return o.topic_prefix.empty() ? "bench/" + std::to_string(::getpid()) : o.topic_prefix;
}

asio::awaitable<void> for_each_limited(std::size_t n, std::size_t width,
                                       std::function<asio::awaitable<void>(std::size_t)> fn) {
    if (n == 0) co_return;
    auto ex = co_await asio::this_coro::executor;
    std::size_t next = 0;
    std::size_t running = 0;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    // The workers live in this frame, which waits for all of them.
    auto worker = [&]() -> asio::awaitable<void> {
        while (next < n) co_await fn(next++);
    };
    for (std::size_t k = 0; k < std::min(width, n); ++k) {
        ++running;
        asio::co_spawn(ex, worker(), [&](std::exception_ptr) {
            if (--running == 0) all_done.cancel();
        });
    }
    // A cancel that came before the wait started finds running == 0 here.
    while (running > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

} // namespace runnel::bench_tool
