#pragma once
/// Helpers for the RocksDB log tests: a temporary directory, options, messages, and blocking
/// wrappers around commit/read (the log answers on its own threads).
#include "../../support/temp_dir.hpp"
#include "rocksdb_log.hpp"
#include "runnel/store/rocksdb_retention_log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

namespace runnel::store::test {

using temp_dir = runnel::test::temp_dir;

inline log_options options_for(const temp_dir& d, retention r = {}) {
    log_options o;
    o.path = d.path.string();
    o.sync = sync_policy::none;
    o.block_cache_bytes = 4 << 20;
    o.write_buffer_bytes = 1 << 20;
    o.sweep_interval = std::chrono::hours(1);
    o.retention_of = [r](std::string_view) { return r; };
    return o;
}

inline std::unique_ptr<retention_log> open_log(const log_options& o, const rocksdb_internals& in = {}) {
    std::string why;
    auto r = open_rocksdb_log(o, in, &why);
    EXPECT_TRUE(r.has_value()) << why;
    return r ? std::move(*r) : nullptr;
}

inline rocksdb_log& concrete(retention_log& l) { return dynamic_cast<rocksdb_log&>(l); }

inline std::uint64_t now_tt() {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) * 10;
}

inline core::message_ptr msg(std::string topic, std::uint64_t offset, std::uint64_t tt, std::string payload = "p") {
    core::message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.qos = 1;
    m.cur = {offset, 7, tt};
    return core::make_message(std::move(m));
}

struct commit_result {
    boost::system::error_code written, durable;
};

/// Commits and waits for both callbacks.
inline commit_result commit_wait(retention_log& l, write_batch b) {
    auto w = std::make_shared<std::promise<boost::system::error_code>>();
    auto d = std::make_shared<std::promise<boost::system::error_code>>();
    auto wf = w->get_future(), df = d->get_future();
    l.commit(std::move(b), [w](auto ec) { w->set_value(ec); }, [d](auto ec) { d->set_value(ec); });
    return {wf.get(), df.get()};
}

/// Appends messages 1..n of `channel` (tt = base + offset), one batch, with the channel state.
inline commit_result append(retention_log& l, const std::string& channel, std::uint64_t from, std::uint64_t to,
                            std::uint64_t base_tt, std::size_t payload = 1) {
    write_batch b;
    for (auto o = from; o <= to; ++o) b.messages.push_back(msg(channel, o, base_tt + o, std::string(payload, 'x')));
    b.channels.push_back({channel, 7, to, base_tt + to});
    return commit_wait(l, std::move(b));
}

inline read_page read_wait(retention_log& l, read_query q) {
    std::promise<std::pair<boost::system::error_code, read_page>> p;
    auto f = p.get_future();
    l.read(std::move(q), [&p](auto ec, read_page page) { p.set_value({ec, std::move(page)}); });
    auto [ec, page] = f.get();
    EXPECT_FALSE(ec) << ec.message();
    return page;
}

inline std::vector<std::uint64_t> offsets(const read_page& p) {
    std::vector<std::uint64_t> out;
    for (const auto& m : p.messages) out.push_back(m->cur.offset);
    return out;
}

/// Polls `pred` until it holds or `within` passes.
template <class Pred> bool eventually(Pred pred, std::chrono::milliseconds within = std::chrono::seconds(5)) {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

} // namespace runnel::store::test
