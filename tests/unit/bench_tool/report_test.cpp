#include "runnel/bench_tool/report.hpp"

#include <gtest/gtest.h>

using namespace runnel::bench_tool;

TEST(bench_report, rates_use_their_own_spans) {
    traffic_report r;
    r.published = 1000;
    r.delivered = 900;
    r.publish_seconds = 2;
    r.deliver_seconds = 3;
    EXPECT_DOUBLE_EQ(r.published_per_s(), 500);
    EXPECT_DOUBLE_EQ(r.delivered_per_s(), 300);
    EXPECT_EQ(traffic_report{}.delivered_per_s(), 0);
}

TEST(bench_report, json_is_one_object_with_the_counts) {
    traffic_report r;
    r.mode = "fanin";
    r.published = 10;
    r.delivered = 9;
    r.lost = 1;
    r.publish_seconds = r.deliver_seconds = 1;
    r.latency.record(1500);
    auto j = format_json(r);
    EXPECT_EQ(j.front(), '{');
    EXPECT_EQ(j.back(), '}');
    EXPECT_NE(j.find("\"mode\":\"fanin\",\"transport\":\"tcp\""), std::string::npos);
    EXPECT_NE(j.find("\"delivered\":9,\"delivered_per_s\":9.0"), std::string::npos);
    EXPECT_NE(j.find("\"lost\":1,"), std::string::npos);
    EXPECT_NE(j.find("\"max\":1.5"), std::string::npos);
}

TEST(bench_report, transport_and_refusals_are_shown) {
    traffic_report r;
    r.mode = "fanout";
    r.transport = "ws-json";
    r.refused = 3;
    EXPECT_NE(format_table(r).find("fanout over ws-json"), std::string::npos);
    EXPECT_NE(format_table(r).find("refused"), std::string::npos);
    EXPECT_NE(format_json(r).find("\"refused\":3,"), std::string::npos);
}

TEST(bench_report, table_groups_digits) {
    traffic_report r;
    r.mode = "pairs";
    r.published = 1234567;
    EXPECT_NE(format_table(r).find("1,234,567"), std::string::npos);
}

TEST(bench_report, connections_report_memory_per_connection) {
    connections_report r;
    r.connected = 1000;
    EXPECT_LT(r.bytes_per_connection(), 0); // unknown without --pid
    r.rss_before = 1'000'000;
    r.rss_after = 5'000'000;
    EXPECT_DOUBLE_EQ(r.bytes_per_connection(), 4000);
    EXPECT_NE(format_json(r).find("\"bytes_per_connection\":4000.0"), std::string::npos);
    EXPECT_NE(format_table(r).find("4000 bytes"), std::string::npos);
}

TEST(bench_report, produce_json_has_the_counts_and_the_record_file) {
    produce_report r;
    r.publishers = 4;
    r.published = 100;
    r.acked = 98;
    r.unacked = 2;
    r.resent = 5;
    r.reconnects = 8;
    r.seconds = 2;
    r.record = "/tmp/acks.jsonl";
    auto j = format_json(r);
    EXPECT_EQ(j.front(), '{');
    EXPECT_EQ(j.back(), '}');
    EXPECT_NE(j.find("\"mode\":\"produce\",\"qos\":1,\"publishers\":4"), std::string::npos);
    EXPECT_NE(j.find("\"acked\":98,\"acked_per_s\":49.0"), std::string::npos);
    EXPECT_NE(j.find("\"unacked\":2,\"resent\":5,\"reconnects\":8"), std::string::npos);
    EXPECT_NE(j.find("\"record\":\"/tmp/acks.jsonl\""), std::string::npos);
    EXPECT_NE(format_table(r).find("reconnects"), std::string::npos);
}
