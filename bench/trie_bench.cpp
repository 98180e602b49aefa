// topic_trie micro benchmarks: bulk insert, and match on a realistic shape (many exact device
// filters plus a few wildcard ones) with the match cache on and off, on a hot working set that
// fits the cache and on a uniform spread over every name (mostly cache misses).
#include "runnel/broker/topic_trie.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

using runnel::broker::match_result;
using runnel::broker::session_id;
using runnel::broker::subscriber;
using runnel::broker::topic_trie;

constexpr std::size_t exact_count = 100'000; // 100 sites x 1000 devices
constexpr const char* metrics[] = {"temp", "hum",  "co2",  "lux",    "volt",
                                   "amp",  "rssi", "door", "motion", "smoke"};

subscriber sub(session_id id) { return subscriber{.ref = {.worker = 0, .id = id}, .opts = {}}; }

std::string exact_name(std::size_t i) {
    return "site/" + std::to_string(i / 1000) + "/dev/" + std::to_string(i % 1000) + "/" +
           metrics[i % 10];
}

const std::vector<std::string>& exact_names() {
    static const auto names = [] {
        std::vector<std::string> v;
        for (std::size_t i = 0; i < exact_count; ++i) v.push_back(exact_name(i));
        return v;
    }();
    return names;
}

// 1000 wildcard filters: per site, "site/{s}/dev/+/{metric}" for 9 metrics and "site/{s}/#".
// Every published name matches its exact filter plus one or two of these.
std::vector<std::string> wildcard_filters() {
    std::vector<std::string> v;
    for (int s = 0; s < 100; ++s) {
        for (int m = 0; m < 9; ++m)
            v.push_back("site/" + std::to_string(s) + "/dev/+/" + metrics[m]);
        v.push_back("site/" + std::to_string(s) + "/#");
    }
    return v;
}

void bm_insert_100k(benchmark::State& state) {
    const auto& filters = exact_names();
    for (auto _ : state) {
        auto t = std::make_unique<topic_trie>();
        for (std::size_t i = 0; i < filters.size(); ++i) t->insert(filters[i], "", sub(i + 1));
        benchmark::DoNotOptimize(t->size());
        state.PauseTiming();
        t.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * filters.size()));
}
BENCHMARK(bm_insert_100k)->Unit(benchmark::kMillisecond);

// Args: cache capacity, working-set size (names published, in a fixed shuffled order).
void bm_match(benchmark::State& state) {
    topic_trie t(static_cast<std::size_t>(state.range(0)));
    const auto& names = exact_names();
    for (std::size_t i = 0; i < names.size(); ++i) t.insert(names[i], "", sub(i + 1));
    session_id id = names.size() + 1;
    for (const auto& f : wildcard_filters()) t.insert(f, "", sub(id++));

    std::vector<std::string> publish(names.begin(), names.end());
    std::shuffle(publish.begin(), publish.end(), std::mt19937(42));
    publish.resize(static_cast<std::size_t>(state.range(1)));

    match_result r;
    std::size_t next = 0, matched = 0;
    for (auto _ : state) {
        r.clear();
        t.match(publish[next], r);
        matched += r.subscribers.size();
        if (++next == publish.size()) next = 0;
        benchmark::DoNotOptimize(r.subscribers.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["subs_per_match"] =
        benchmark::Counter(static_cast<double>(matched) / static_cast<double>(state.iterations()));
}
BENCHMARK(bm_match)
    ->ArgNames({"cache", "names"})
    ->Args({1024, 512})
    ->Args({0, 512})
    ->Args({1024, 100'000})
    ->Args({0, 100'000});

} // namespace
