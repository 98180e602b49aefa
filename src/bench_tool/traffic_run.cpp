// fanin / fanout / pairs: T topics, P publishers and S subscribers per topic.
#include "common.hpp"
#include "io_threads.hpp"
#include "publisher.hpp"
#include "runs.hpp"
#include "subscriber.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;
// Connects in flight at once (the broker's listen backlog is finite).
constexpr std::size_t connect_width = 64;
// The drain ends early when nothing arrives (and nothing is acknowledged) for a fifth of
// --drain, and at least this long (so a long --drain also rides out a stalled machine).
constexpr auto min_quiet = std::chrono::milliseconds(1000);

class traffic_run {
public:
    explicit traffic_run(const bench_options& o)
        : o_(o), topo_(topology_of(o)), setup_(make_setup(o)), threads_(o.threads), latency_(threads_.size()) {}

    traffic_report run() {
        ensure_fd_limit(topo_.topics * (topo_.publishers + topo_.subscribers) + 64);
        build();
        threads_.run(main());
        if (!failure_.empty()) throw std::runtime_error(failure_);
        return collect();
    }

private:
    void build();
    asio::awaitable<void> main();
    asio::awaitable<bool> connect_all();
    asio::awaitable<void> drain();
    traffic_report collect() const;
    std::string topic(std::size_t t) const;

    const bench_options& o_;
    topology topo_;
    connection_setup setup_;
    io_threads threads_; // before the clients: they are destroyed first
    run_totals totals_;
    std::vector<latency_histogram> latency_; // one per I/O thread, shared by its subscribers
    std::vector<std::unique_ptr<publisher>> pubs_; // publisher i publishes on topic i / P
    std::vector<std::unique_ptr<subscriber>> subs_; // subscriber k listens on topic k / S
    std::string failure_;
    clock::time_point start_{};
};

std::string traffic_run::topic(std::size_t t) const {
    auto prefix = topic_prefix(o_);
    return o_.mode == bench_mode::pairs ? prefix + "/pair/" + std::to_string(t) : prefix + "/" + to_string(o_.mode);
}

void traffic_run::build() {
    auto total_pubs = topo_.topics * topo_.publishers;
    std::size_t next_ctx = 0;
    for (std::size_t i = 0; i < total_pubs; ++i) {
        publisher_plan plan;
        plan.id = static_cast<std::uint32_t>(i);
        plan.topic = topic(i / topo_.publishers);
        plan.qos = o_.qos;
        plan.size = o_.size;
        plan.fanout = topo_.subscribers;
        plan.window = static_cast<std::int64_t>(std::max<std::size_t>(1, o_.window));
        plan.inflight = o_.inflight;
        plan.rate = o_.rate > 0 ? o_.rate / static_cast<double>(total_pubs) : 0;
        plan.count = o_.count;
        pubs_.push_back(std::make_unique<publisher>(threads_.context(next_ctx++), setup_.cfg, std::move(plan), totals_));
    }
    for (std::size_t k = 0; k < topo_.topics * topo_.subscribers; ++k) {
        auto t = k / topo_.subscribers;
        auto first = t * topo_.publishers;
        std::vector<publisher_flow*> flows;
        for (std::size_t j = 0; j < topo_.publishers; ++j) flows.push_back(&pubs_[first + j]->flow());
        auto ctx = next_ctx++ % threads_.size();
        subs_.push_back(std::make_unique<subscriber>(threads_.context(ctx), setup_.cfg, topic(t), o_.qos,
                                                     static_cast<std::uint32_t>(first), std::move(flows), totals_,
                                                     latency_[ctx]));
    }
}

asio::awaitable<bool> traffic_run::connect_all() {
    std::size_t failed = 0;
    std::string first_error;
    auto note = [&](const boost::system::error_code& ec, const char* what) {
        if (!ec) return;
        if (failed++ == 0) first_error = std::string(what) + ": " + ec.message();
    };
    co_await for_each_limited(subs_.size(), connect_width, [&](std::size_t k) -> asio::awaitable<void> {
        auto* s = subs_[k].get();
        auto ec = co_await asio::co_spawn(s->executor(), s->connect(client_id('s', k)), asio::use_awaitable);
        if (!ec) ec = co_await asio::co_spawn(s->executor(), s->subscribe(std::chrono::seconds(10)), asio::use_awaitable);
        note(ec, "subscriber");
    });
    co_await for_each_limited(pubs_.size(), connect_width, [&](std::size_t i) -> asio::awaitable<void> {
        auto* p = pubs_[i].get();
        note(co_await asio::co_spawn(p->executor(), p->connect(client_id('p', i)), asio::use_awaitable), "publisher");
    });
    if (failed > 0) {
        failure_ = std::to_string(failed) + " of " + std::to_string(subs_.size() + pubs_.size()) +
                   " clients could not connect to " + o_.host + ":" + std::to_string(o_.port) + " (first: " + first_error + ")";
    }
    co_return failed == 0;
}

asio::awaitable<void> traffic_run::main() {
    if (co_await connect_all()) {
        // Every publisher starts at the same moment, shortly after the last one connected.
        start_ = clock::now() + std::chrono::milliseconds(20);
        auto end = start_ + o_.duration;
        co_await for_each_limited(pubs_.size(), pubs_.size(), [&](std::size_t i) -> asio::awaitable<void> {
            auto* p = pubs_[i].get();
            co_await asio::co_spawn(p->executor(), p->run(start_, end), asio::use_awaitable);
        });
        co_await drain();
    }
    for (auto& p : pubs_) asio::post(p->executor(), [c = p.get()] { c->disconnect(); });
    for (auto& s : subs_) asio::post(s->executor(), [c = s.get()] { c->disconnect(); });
}

asio::awaitable<void> traffic_run::drain() {
    std::uint64_t expected = 0;
    for (const auto& p : pubs_) expected += p->sent() * topo_.subscribers;
    auto began = clock::now();
    auto last_change = began;
    std::uint64_t seen = 0;
    std::uint64_t unacked = 0;
    for (;;) {
        auto d = totals_.delivered.load(std::memory_order_relaxed);
        auto u = totals_.unacked.load(std::memory_order_relaxed);
        if (d >= expected && u == 0) break;
        auto now = clock::now();
        if (d != seen || u != unacked) seen = d, unacked = u, last_change = now;
        if (now - last_change > std::max(min_quiet, o_.drain / 5) || now - began > o_.drain) break;
        co_await sleep_for(std::chrono::milliseconds(2));
    }
}

traffic_report traffic_run::collect() const {
    traffic_report r;
    r.mode = to_string(o_.mode);
    r.transport = to_string(o_.transport);
    r.qos = o_.qos;
    r.size = std::max<std::size_t>(o_.size, 24);
    r.topics = topo_.topics;
    r.publishers = pubs_.size();
    r.subscribers = subs_.size();
    auto last_send = start_;
    for (const auto& p : pubs_) {
        r.published += p->sent();
        r.unacked += p->unacked();
        r.refused += p->refused();
        r.stalls += p->stalls();
        last_send = std::max(last_send, p->finished());
    }
    r.expected = r.published * topo_.subscribers;
    auto last_delivery = start_;
    for (std::size_t k = 0; k < subs_.size(); ++k) {
        const auto& s = *subs_[k];
        auto t = k / topo_.subscribers;
        for (std::size_t j = 0; j < topo_.publishers; ++j) {
            auto i = t * topo_.publishers + j;
            const auto& tr = s.trackers()[j];
            auto sent = pubs_[i]->sent();
            auto lost = tr.lost(sent);
            r.lost += lost;
            r.delivered += sent - lost;
            r.duplicated += tr.duplicates();
            r.reordered += tr.reordered();
        }
        r.foreign += s.foreign();
        last_delivery = std::max(last_delivery, s.last_delivery());
    }
    for (const auto& h : latency_) r.latency.merge(h);
    r.publish_seconds = std::chrono::duration<double>(last_send - start_).count();
    r.deliver_seconds = std::chrono::duration<double>(last_delivery - start_).count();
    return r;
}

} // namespace

traffic_report run_traffic(const bench_options& o) {
    traffic_run run(o);
    return run.run();
}

} // namespace runnel::bench_tool
