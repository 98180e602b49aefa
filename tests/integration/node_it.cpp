// An in-process node on port 0 driven by a blocking test client.
#include "runnel/config/load.hpp"
#include "runnel/server/node.hpp"

#include "../support/mqtt_test_client.hpp"
#include "../support/node_options.hpp"
#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>


using namespace runnel;
namespace wire = runnel::codec::mqtt;

namespace {

config::options test_options(const std::string& data_dir) {
    return test::loopback_node_options(data_dir, {"log.level=warn", "sys.interval=1s", "mqtt.max_packet_size=4096"});
}

struct node_it : ::testing::Test {
    test::temp_dir dir{"runnel-node-it"};
    server::node n{test_options(dir.path.string())};
    void SetUp() override { n.start(); }
    std::uint16_t port() const { return n.port(config::protocol::mqtt); }
};

TEST_F(node_it, publish_reaches_subscriber_on_another_connection_with_qos1_ack) {
    test::mqtt_test_client sub(port()), pub(port());
    EXPECT_EQ(sub.connect("sub").reason_code, wire::reason::success);
    EXPECT_EQ(pub.connect("pub").reason_code, wire::reason::success);
    sub.send(wire::subscribe{1, {{"a/+", 1}}, {}});
    EXPECT_EQ(sub.expect<wire::suback>().reason_codes, std::vector<std::uint8_t>{1});
    pub.send(wire::publish{"a/b", "hi", 1, false, false, 7, {}});
    auto ack = pub.expect<wire::puback>();
    EXPECT_EQ(ack.packet_id, 7);
    EXPECT_EQ(ack.reason_code, wire::reason::success);
    auto got = sub.expect<wire::publish>();
    EXPECT_EQ(got.topic, "a/b");
    EXPECT_EQ(got.payload, "hi");
    EXPECT_EQ(got.qos, 1);
    sub.send(wire::puback{got.packet_id, 0, {}});
}

TEST_F(node_it, v5_publish_with_no_subscribers_gets_0x10) {
    test::mqtt_test_client pub(port());
    pub.connect("lonely");
    pub.send(wire::publish{"nobody/here", "x", 1, false, false, 1, {}});
    EXPECT_EQ(pub.expect<wire::puback>().reason_code, wire::reason::no_matching_subscribers);
}

TEST_F(node_it, oversized_packet_is_refused_with_0x95_and_the_node_stays_healthy) {
    test::mqtt_test_client big(port());
    big.connect("big");
    big.send(wire::publish{"t", std::string(8000, 'x'), 0, false, false, 0, {}});
    auto d = big.expect<wire::disconnect>();
    EXPECT_EQ(d.reason_code, wire::reason::packet_too_large);
    EXPECT_TRUE(big.closed_by_server());
    test::mqtt_test_client ok(port());
    EXPECT_EQ(ok.connect("ok").reason_code, wire::reason::success);
}

TEST_F(node_it, packet_before_connect_closes_the_connection) {
    test::mqtt_test_client c(port());
    c.send(wire::pingreq{});
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(node_it, sys_topics_are_published_and_hidden_from_hash) {
    test::mqtt_test_client c(port());
    c.connect("sys");
    c.send(wire::subscribe{1, {{"#", 0}, {"$SYS/broker/uptime", 0}}, {}});
    c.expect<wire::suback>();
    auto p = c.expect<wire::publish>(); // the retained uptime, via the $SYS filter only
    EXPECT_EQ(p.topic, "$SYS/broker/uptime");
    EXPECT_TRUE(p.retain);
    EXPECT_EQ(p.props.subscription_identifiers.size(), 0u);
}

TEST_F(node_it, graceful_stop_sends_0x8b_to_v5_clients) {
    test::mqtt_test_client c(port());
    c.connect("bye");
    n.stop();
    auto d = c.expect<wire::disconnect>();
    EXPECT_EQ(d.reason_code, wire::reason::server_shutting_down);
}

TEST_F(node_it, metrics_count_connections) {
    test::mqtt_test_client c(port());
    c.connect("m");
    auto text = n.metrics_text();
    EXPECT_NE(text.find("runnel_connections{protocol=\"mqtt\"} 1"), std::string::npos) << text;
}

} // namespace

namespace {

config::options short_connect_timeout(const std::string& dir) {
    auto o = test_options(dir);
    o.mqtt.connect_timeout = std::chrono::seconds(1);
    return o;
}

TEST(node_limits, a_client_trickling_bytes_without_connect_is_closed_after_the_connect_timeout) {
    test::temp_dir dir{"runnel-node-it"};
    server::node n{short_connect_timeout(dir.path.string())};
    n.start();
    test::mqtt_test_client c(n.port(config::protocol::mqtt));
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.try_send_raw(std::string("\x10\x7f", 2))); // CONNECT header, 127-byte body to come
    // One byte every 200 ms for up to 4 s: each read used to push the deadline back.
    bool closed = false;
    for (int i = 0; i < 20 && !closed; ++i) {
        closed = c.closed_within(std::chrono::milliseconds(200)) || !c.try_send_raw("x");
    }
    EXPECT_TRUE(closed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
}

} // namespace
