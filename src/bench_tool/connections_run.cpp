// connections: the broker's resident memory per idle connection.
#include "common.hpp"
#include "io_threads.hpp"
#include "runs.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t connect_width = 64;
// Time for the broker to finish the work the last connects caused before RSS is read.
constexpr auto settle = std::chrono::milliseconds(1000);

/// Connected and silent: CONNECT with a long keep alive, then nothing.
class idle_client final : public client {
public:
    using client::client;

protected:
    void on_packet(wire::packet&) override {}
};

std::int64_t read_rss(int pid) {
    if (pid <= 0) return -1;
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    if (!f) return -1;
    std::stringstream text;
    text << f.rdbuf();
    return parse_vmrss(text.str()).value_or(-1);
}

} // namespace

connections_report run_connections(const bench_options& o) {
    ensure_fd_limit(o.connections + 64);
    auto setup = make_setup(o);
    setup.cfg.keep_alive = 600; // idle for the whole measurement without PINGREQ
    io_threads threads(o.threads);
    std::vector<std::unique_ptr<idle_client>> clients;
    for (std::size_t i = 0; i < o.connections; ++i) clients.push_back(std::make_unique<idle_client>(threads.context(i), setup.cfg));

    connections_report r;
    r.requested = o.connections;
    r.pid = o.pid;
    if (o.pid > 0 && read_rss(o.pid) < 0) throw std::runtime_error("cannot read /proc/" + std::to_string(o.pid) + "/status");
    threads.run([&]() -> asio::awaitable<void> {
        r.rss_before = read_rss(o.pid);
        auto began = clock::now();
        co_await for_each_limited(clients.size(), connect_width, [&](std::size_t i) -> asio::awaitable<void> {
            auto* c = clients[i].get();
            auto ec = co_await asio::co_spawn(c->executor(), c->connect(client_id('c', i)), asio::use_awaitable);
            ++(ec ? r.failed : r.connected);
        });
        r.connect_seconds = std::chrono::duration<double>(clock::now() - began).count();
        co_await sleep_for(settle);
        r.rss_after = read_rss(o.pid);
        for (auto& c : clients) asio::post(c->executor(), [p = c.get()] { p->disconnect(); });
    }());
    if (r.connected == 0) throw std::runtime_error("no connection to " + o.host + ":" + std::to_string(o.port) + " succeeded");
    return r;
}

} // namespace runnel::bench_tool
