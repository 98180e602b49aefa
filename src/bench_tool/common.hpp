#pragma once
/// Pieces every bench run needs: the broker's address and TLS context turned into a client
/// configuration, the file-descriptor limit, client ids, and a helper that runs a coroutine
/// per index with bounded concurrency (connects) on the coordinator's executor.
#include "client.hpp"
#include "runnel/bench_tool/options.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace runnel::bench_tool {

struct connection_setup {
    std::unique_ptr<boost::asio::ssl::context> tls; // null for plain TCP
    client_config cfg;
};

/// Resolves the host and builds the TLS context (verifying with --cafile when given).
/// Throws std::runtime_error naming what failed.
connection_setup make_setup(const bench_options& o);

/// Raises RLIMIT_NOFILE to `need` (up to the hard limit), saying so on stderr when it raised
/// it; throws std::runtime_error naming both numbers when the hard limit is below `need`.
void ensure_fd_limit(std::size_t need);

/// "rb<pid>-<role><i>": unique per process, so two runs never take over each other's sessions.
std::string client_id(char role, std::size_t i);

/// The topic prefix: --topic-prefix, or "bench/<pid>".
std::string topic_prefix(const bench_options& o);

/// Runs fn(0..n-1), at most `width` at a time, on the calling coroutine's executor; returns
/// when all have finished. fn may co_await work on other executors.
boost::asio::awaitable<void> for_each_limited(std::size_t n, std::size_t width,
                                              std::function<boost::asio::awaitable<void>(std::size_t)> fn);

/// Waits `d` on the calling coroutine's executor.
boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d);

} // namespace runnel::bench_tool
