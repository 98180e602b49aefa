// channel_watch::wait: what ends a long-poll's or SSE stream's wait.
#include "channel_watch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace runnel::gateway::http {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Runs `w.wait(an hour from now)` and says whether it returned within the io_context's run.
bool wait_returns(asio::io_context& io, channel_watch& w) {
    auto f = asio::co_spawn(io, w.wait(channel_watch::clock::now() + 1h), asio::use_future);
    io.restart();
    io.run_for(2s); // returns early once the wait is done; a wait that sleeps holds it 2 s
    return f.wait_for(0s) == std::future_status::ready;
}

// A client that left while the request was busy elsewhere (reading the buffers, writing) cancelled
// no timer: the next wait must not sleep until the heartbeat (an hour in test_sse).
TEST(channel_watch, a_peer_that_left_before_the_wait_ends_it_at_once) {
    asio::io_context io;
    http_context ctx;
    auto w = std::make_shared<channel_watch>(ctx, 0, io.get_executor());
    w->shutdown_peer();
    EXPECT_TRUE(w->stopped());
    EXPECT_TRUE(wait_returns(io, *w));
}

TEST(channel_watch, a_shutdown_or_a_wake_before_the_wait_ends_it_at_once) {
    asio::io_context io;
    http_context ctx;
    auto a = std::make_shared<channel_watch>(ctx, 0, io.get_executor());
    a->shutdown();
    EXPECT_TRUE(wait_returns(io, *a));
    auto b = std::make_shared<channel_watch>(ctx, 0, io.get_executor());
    b->deliver({});
    EXPECT_TRUE(wait_returns(io, *b));
}

} // namespace
} // namespace runnel::gateway::http
