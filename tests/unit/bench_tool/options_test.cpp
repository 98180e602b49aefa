#include "runnel/bench_tool/options.hpp"
#include "runnel/bench_tool/bench_command.hpp"

#include <gtest/gtest.h>

using namespace runnel::bench_tool;
using namespace std::chrono_literals;

TEST(bench_options, durations_parse_with_units) {
    EXPECT_EQ(parse_duration("10s"), 10'000ms);
    EXPECT_EQ(parse_duration("250ms"), 250ms);
    EXPECT_EQ(parse_duration("2m"), 120'000ms);
    EXPECT_EQ(parse_duration("1.5s"), 1'500ms);
    EXPECT_EQ(parse_duration("3"), 3'000ms);
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("s"));
    EXPECT_FALSE(parse_duration("10 parsecs"));
    EXPECT_FALSE(parse_duration("1.2.3s"));
}

TEST(bench_options, vmrss_is_read_in_bytes) {
    const char* status = "Name:\tmosquitto\nVmPeak:\t  20000 kB\nVmRSS:\t    6812 kB\nRssAnon:\t 1000 kB\n";
    EXPECT_EQ(parse_vmrss(status), 6812 * 1024);
    EXPECT_FALSE(parse_vmrss("Name:\tkthreadd\n"));
}

TEST(bench_options, modes_have_their_default_shapes) {
    bench_options o;
    o.mode = bench_mode::fanin;
    EXPECT_EQ(topology_of(o).publishers, 8u);
    EXPECT_EQ(topology_of(o).subscribers, 1u);
    o.mode = bench_mode::fanout;
    EXPECT_EQ(topology_of(o).publishers, 1u);
    EXPECT_EQ(topology_of(o).subscribers, 100u);
    o.mode = bench_mode::pairs;
    o.pairs = 7;
    EXPECT_EQ(topology_of(o).topics, 7u);
    EXPECT_EQ(topology_of(o).publishers, 1u);
    o.subscribers = 3;
    EXPECT_EQ(topology_of(o).subscribers, 3u);
    EXPECT_EQ(parse_mode("pairs"), bench_mode::pairs);
    EXPECT_FALSE(parse_mode("fan-in"));
}

TEST(bench_options, transports_and_their_websocket_paths) {
    for (auto t : {transport_kind::tcp, transport_kind::ws_mqtt, transport_kind::ws_json}) EXPECT_EQ(parse_transport(to_string(t)), t);
    EXPECT_EQ(parse_transport("ws-json"), transport_kind::ws_json);
    EXPECT_FALSE(parse_transport("ws"));
    EXPECT_STREQ(default_ws_path(transport_kind::ws_mqtt), "/mqtt");
    EXPECT_STREQ(default_ws_path(transport_kind::ws_json), "/ws");
}

TEST(bench_options, produce_gives_each_publisher_its_own_topic) {
    bench_options o;
    o.mode = bench_mode::produce;
    EXPECT_EQ(parse_mode("produce"), bench_mode::produce);
    EXPECT_EQ(topology_of(o).topics, 4u);
    EXPECT_EQ(topology_of(o).publishers, 1u);
    EXPECT_EQ(topology_of(o).subscribers, 0u);
    o.publishers = 6;
    EXPECT_EQ(topology_of(o).topics, 6u);
}

TEST(bench_options, produce_flags_are_checked) {
    bench_options o;
    o.mode = bench_mode::produce;
    EXPECT_EQ(check_produce_flags(o, false), nullptr);
    EXPECT_EQ(o.qos, 1); // the default becomes QoS 1
    o.qos = 2;
    EXPECT_NE(check_produce_flags(o, true), nullptr);
    o.qos = 1;
    EXPECT_EQ(check_produce_flags(o, true), nullptr);
    o.transport = transport_kind::ws_json;
    EXPECT_NE(check_produce_flags(o, false), nullptr);
    bench_options fanin;
    fanin.record = "acks.jsonl";
    EXPECT_NE(check_produce_flags(fanin, false), nullptr);
    fanin.record.clear();
    EXPECT_EQ(check_produce_flags(fanin, false), nullptr);
}
