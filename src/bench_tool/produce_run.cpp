// produce: P publishers, publisher i on topic <prefix>/p<i>, QoS 1, reconnecting whenever the
// broker goes away, optionally recording every acknowledgement (crash tests).
#include "common.hpp"
#include "io_threads.hpp"
#include "producer.hpp"
#include "runs.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <stdexcept>

namespace runnel::bench_tool {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t connect_width = 64;

class produce_run {
public:
    explicit produce_run(const bench_options& o) : o_(o), setup_(make_setup(o)), threads_(o.threads) {}

    produce_report run() {
        auto n = topology_of(o_).topics;
        ensure_fd_limit(n + 64);
        if (!o_.record.empty()) recorder_.emplace(o_.record);
        for (std::size_t i = 0; i < n; ++i) {
            producer_plan plan;
            plan.id = static_cast<std::uint32_t>(i);
            plan.topic = topic_prefix(o_) + "/p" + std::to_string(i);
            plan.client_id = client_id('p', i);
            plan.size = o_.size;
            plan.inflight = o_.inflight;
            plan.rate = o_.rate > 0 ? o_.rate / static_cast<double>(n) : 0;
            plan.count = o_.count;
            pubs_.push_back(std::make_unique<producer>(threads_.context(i), setup_.cfg, std::move(plan),
                                                       recorder_ ? &*recorder_ : nullptr));
        }
        threads_.run(main());
        if (!failure_.empty()) throw std::runtime_error(failure_);
        return collect();
    }

private:
    asio::awaitable<void> main();
    produce_report collect() const;

    const bench_options& o_;
    connection_setup setup_;
    std::optional<ack_recorder> recorder_; // outlives the producers, which write to it
    io_threads threads_;                   // before the producers: they are destroyed first
    std::vector<std::unique_ptr<producer>> pubs_;
    std::string failure_;
    clock::time_point start_{};
};

asio::awaitable<void> produce_run::main() {
    std::size_t failed = 0;
    std::string first_error;
    co_await for_each_limited(pubs_.size(), connect_width, [&](std::size_t i) -> asio::awaitable<void> {
        auto* p = pubs_[i].get();
        auto ec = co_await asio::co_spawn(p->executor(), p->connect(), asio::use_awaitable);
        if (ec && failed++ == 0) first_error = ec.message();
    });
    if (failed > 0) {
        failure_ = std::to_string(failed) + " of " + std::to_string(pubs_.size()) + " publishers could not connect to " +
                   o_.host + ":" + std::to_string(o_.port) + " (first: " + first_error + ")";
    } else {
        // From here on a lost connection is not an error: the producers reconnect until the
        // end, and then until what they sent is acknowledged or --drain has passed too.
        start_ = clock::now() + std::chrono::milliseconds(20);
        auto end = start_ + o_.duration;
        auto give_up = end + o_.drain;
        co_await for_each_limited(pubs_.size(), pubs_.size(), [&](std::size_t i) -> asio::awaitable<void> {
            auto* p = pubs_[i].get();
            co_await asio::co_spawn(p->executor(), p->run(start_, end, give_up), asio::use_awaitable);
        });
    }
    for (auto& p : pubs_) asio::post(p->executor(), [c = p.get()] { c->disconnect(); });
}

produce_report produce_run::collect() const {
    produce_report r;
    r.publishers = pubs_.size();
    r.size = std::max<std::size_t>(o_.size, 24);
    r.record = o_.record;
    auto last = start_;
    for (const auto& p : pubs_) {
        if (p->record_failed()) throw std::runtime_error("cannot write to --record file " + o_.record);
        r.published += p->published();
        r.acked += p->acked();
        r.refused += p->refused();
        r.unacked += p->unacked();
        r.resent += p->resent();
        r.reconnects += p->reconnects();
        r.connect_failures += p->connect_failures();
        last = std::max(last, p->finished());
    }
    r.seconds = std::chrono::duration<double>(last - start_).count();
    return r;
}

} // namespace

produce_report run_produce(const bench_options& o) {
    produce_run run(o);
    return run.run();
}

} // namespace runnel::bench_tool
