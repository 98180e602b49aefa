// Message pushes: exact JSON text for each payload kind, cursor, origin and headers, and the
// payload surviving JSON -> message -> JSON and MQTT-style bytes -> JSON byte for byte.
#include "json_test_util.hpp"

#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace runnel::codec::json;
using runnel::core::message;
using runnel::core::user_property;

namespace {

message msg(std::string topic, std::string payload) {
    message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    return m;
}

} // namespace

TEST(json_push, json_payload_is_embedded_verbatim) {
    EXPECT_EQ(encode_message_push(msg("chat/1", R"({"t": 1})")),
              R"({"op":"message","channel":"chat/1","data":{"t": 1}})");
    for (const char* v : {"42", R"("str")", "null", "true", "[1, 2]", "-0.5e-7", " {} ", "1e400"})
        EXPECT_EQ(encode_message_push(msg("a", v)),
                  std::string(R"({"op":"message","channel":"a","data":)") + v + "}")
            << v;
}

TEST(json_push, anything_else_is_base64) {
    auto b64 = [](std::string payload) {
        return encode_message_push(msg("a", std::move(payload)));
    };
    const std::string prefix = R"({"op":"message","channel":"a","data_b64":)";
    EXPECT_EQ(b64(std::string("\x00\x01\x02", 3)), prefix + R"("AAEC"})");
    EXPECT_EQ(b64(""), prefix + R"(""})");
    EXPECT_EQ(b64("hello"), prefix + R"("aGVsbG8="})");       // text, but not a JSON text
    EXPECT_EQ(b64("\"\xFF\""), prefix + R"("Iv8i"})");       // a JSON string with invalid UTF-8
    EXPECT_EQ(b64("{\"a\":1"), prefix + R"("eyJhIjox"})");   // incomplete
    EXPECT_EQ(b64("1 2"), prefix + R"("MSAy"})");           // two values
    EXPECT_EQ(b64("[1,]"), prefix + R"("WzEsXQ=="})");       // trailing comma
    EXPECT_EQ(b64("NaN"), prefix + R"("TmFO"})");
    // Deeper than max_data_depth: base64, so a client with a depth-limited parser copes.
    const std::string deep = std::string(65, '[') + std::string(65, ']');
    EXPECT_NE(b64(deep).find("\"data_b64\""), std::string::npos);
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    EXPECT_NE(b64(ok).find("\"data\":" + ok), std::string::npos);
}

TEST(json_push, cursor_origin_and_headers_in_design_order) {
    message m = msg("chat/1", R"({"t":"hi"})");
    m.origin_client = "alice";
    m.content_type = "application/json";
    m.cur = {42, 0xe1, 17321234567890123u};
    EXPECT_EQ(encode_message_push(m, true),
              R"({"op":"message","channel":"chat/1","data":{"t":"hi"},"offset":42,"epoch":"00000000000000e1",)"
              R"("tt":"17321234567890123","retained":true,"from":"alice","headers":{"content-type":"application/json"}})");
    std::string lp = "[";
    append_message_json(lp, m, false);
    lp += ']';
    EXPECT_EQ(lp, R"([{"channel":"chat/1","data":{"t":"hi"},"offset":42,"epoch":"00000000000000e1",)"
                  R"("tt":"17321234567890123","from":"alice","headers":{"content-type":"application/json"}}])");
}

TEST(json_push, max_cursor_values) {
    message m = msg("a", "1");
    m.cur = {18446744073709551615u, 18446744073709551615u, 18446744073709551615u};
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"offset":18446744073709551615,"epoch":"ffffffffffffffff",)"
              R"("tt":"18446744073709551615"})");
}

TEST(json_push, strings_are_escaped) {
    message m = msg("a\"b\\c/\xC3\xA9", "1");
    m.origin_client = "x\n\x01";
    m.user_properties = {{"k\"", "v\t"}};
    EXPECT_EQ(encode_message_push(m),
              "{\"op\":\"message\",\"channel\":\"a\\\"b\\\\c/\xC3\xA9\",\"data\":1,"
              "\"from\":\"x\\n\\u0001\",\"headers\":{\"k\\\"\":\"v\\t\"}}");
}

TEST(json_push, repeated_user_properties_become_arrays_in_order) {
    message m = msg("a", "1");
    m.user_properties = {{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"a", "5"}};
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"headers":{"a":["1","3","5"],"b":"2","c":"4"}})");
}

TEST(json_push, many_user_properties_use_the_hashed_grouping) {
    message m = msg("a", "1");
    std::string expected_headers;
    for (int i = 0; i < 40; ++i) m.user_properties.push_back({"k" + std::to_string(i % 20), std::to_string(i)});
    for (int i = 0; i < 20; ++i)
        expected_headers += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":[\"" + std::to_string(i) +
                                              "\",\"" + std::to_string(i + 20) + "\"]");
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"headers":{)" + expected_headers + "}}");
}

TEST(json_push, response_topic_and_correlation_data) {
    message m = msg("a", "1");
    m.response_topic = "reply/7";
    m.correlation_data = "req-7";
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"headers":{"response-topic":"reply/7","correlation-data":"req-7"}})");
    m.response_topic.reset();
    m.correlation_data = std::string("\x00\xFF", 2);
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"headers":{"correlation-data-b64":"AP8="}})");
}

TEST(json_push, user_properties_with_reserved_names_are_not_shown) {
    message m = msg("a", "1");
    m.user_properties = {{"content-type", "x"}, {"correlation-data-b64", "y"}};
    EXPECT_EQ(encode_message_push(m), R"({"op":"message","channel":"a","data":1})");
    m.content_type = "text/plain";
    m.user_properties.push_back({"k", "v"});
    EXPECT_EQ(encode_message_push(m),
              R"({"op":"message","channel":"a","data":1,"headers":{"content-type":"text/plain","k":"v"}})");
}

TEST(json_push, append_keeps_what_is_already_in_the_buffer) {
    std::string out = R"({"messages":[)";
    append_message_json(out, msg("a", "1"), false);
    out += ',';
    append_message_json(out, msg("b", "x"), false);
    out += R"(],"cursor":"c"})";
    EXPECT_EQ(out, R"({"messages":[{"channel":"a","data":1},{"channel":"b","data_b64":"eA=="}],"cursor":"c"})");
}

// A JSON publisher's data reaches a JSON subscriber as the same bytes, and every push parses.
TEST(json_push, publish_to_push_round_trip) {
    for (const char* data : {R"({"t": 1,  "u" : [1.50, "\u00e9"]})", "42", "\"s\"", "null",
                             "123456789012345678901234567890",
                             "42922337203.8657088"}) { // fuzz: Boost 1.81 parses this inexactly
        auto r = test::decode_ok(R"({"id":1,"op":"publish","channel":"a","data":)" + std::string(data) + "}");
        const std::string push =
            encode_message_push(message_from_publish(std::get<publish_cmd>(r.cmd), "me"));
        EXPECT_NE(push.find(std::string("\"data\":") + data + ","), std::string::npos) << push;
        boost::json::error_code ec;
        (void)boost::json::parse(push, ec);
        EXPECT_FALSE(ec) << push;
    }
}

// Bytes from MQTT (any bytes) come back from data_b64 unchanged.
TEST(json_push, binary_round_trip_through_base64) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    const std::string push = encode_message_push(msg("a", all));
    auto v = boost::json::parse(push);
    const auto& s = v.as_object().at("data_b64").as_string();
    EXPECT_EQ(decode_base64(std::string_view(s.data(), s.size())), all);
}
