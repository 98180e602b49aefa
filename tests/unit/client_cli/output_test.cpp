// What runnel sub prints for MQTT deliveries: the JSON protocol's message object plus qos (and
// "retained"), and raw payload lines.
#include "runnel/client_cli/output.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;
namespace wire = runnel::codec::mqtt;

namespace {
wire::publish pub(std::string topic, std::string payload, std::uint8_t qos = 0, bool retain = false) {
    wire::publish p;
    p.topic = std::move(topic);
    p.payload = std::move(payload);
    p.qos = qos;
    p.retain = retain;
    return p;
}
} // namespace

TEST(client_output, json_payloads_are_embedded_verbatim) {
    auto r = from_mqtt(pub("chat/1", R"({"t": 1.50})", 1));
    EXPECT_EQ(r.json, R"({"channel":"chat/1","data":{"t": 1.50},"qos":1})");
    EXPECT_EQ(r.payload, R"({"t": 1.50})");
}

TEST(client_output, other_payloads_go_as_base64) {
    EXPECT_EQ(from_mqtt(pub("a", "hello", 0, true)).json, R"({"channel":"a","data_b64":"aGVsbG8=","retained":true,"qos":0})");
    EXPECT_EQ(from_mqtt(pub("a", "")).json, R"({"channel":"a","data_b64":"","qos":0})");
    auto bin = from_mqtt(pub("a", std::string("\x00\xFF\n", 3)));
    EXPECT_EQ(bin.json, R"({"channel":"a","data_b64":"AP8K","qos":0})");
    EXPECT_EQ(bin.payload, std::string("\x00\xFF\n", 3));
}

TEST(client_output, v5_properties_become_headers) {
    auto p = pub("a", "1", 2);
    p.props.content_type = "application/json";
    p.props.user_properties = {{"k", "v1"}, {"k", "v2"}, {"x", "y"}};
    EXPECT_EQ(from_mqtt(p).json,
              R"({"channel":"a","data":1,"headers":{"content-type":"application/json","k":["v1","v2"],"x":"y"},"qos":2})");
}

TEST(client_output, lines_end_with_a_newline) {
    received m{R"({"channel":"a","data":1})", "1"};
    EXPECT_EQ(format_line(m, output_format::json), "{\"channel\":\"a\",\"data\":1}\n");
    EXPECT_EQ(format_line(m, output_format::raw), "1\n");
}

TEST(client_output, json_lines_never_break_inside_a_message) {
    auto r = from_mqtt(pub("a", "{\"k\":\r\n[1,\n2]}"));
    EXPECT_EQ(format_line(r, output_format::json), R"({"channel":"a","data":{"k":  [1, 2]},"qos":0})" "\n");
    EXPECT_EQ(format_line(r, output_format::raw), "{\"k\":\r\n[1,\n2]}\n");
}
