// "headers" of a publish and the message a publish builds (message_from_publish).
#include "json_test_util.hpp"

#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/reply.hpp"

#include <gtest/gtest.h>

using namespace runnel::codec::json;
using runnel::core::user_property;
using test::decode_cmd;
using test::decode_err;

namespace {

publish_cmd publish_with(std::string_view headers_json) {
    return decode_cmd<publish_cmd>(R"({"id":1,"op":"publish","channel":"a","data":1,"headers":)" +
                                   std::string(headers_json) + "}");
}

std::string reply_with(std::string_view headers_json) {
    return encode_error(decode_err(R"({"id":1,"op":"publish","channel":"a","data":1,"headers":)" +
                                   std::string(headers_json) + "}"));
}

std::string err(int code, std::string_view message) {
    return R"({"id":1,"ok":false,"error":{"code":)" + std::to_string(code) + R"(,"message":)" +
           std::string(message) + "}}";
}

} // namespace

TEST(json_headers, reserved_names_fill_message_fields) {
    auto p = publish_with(
        R"({"content-type":"text/plain","response-topic":"reply/1","correlation-data":"req-7"})");
    EXPECT_EQ(p.headers.content_type, "text/plain");
    EXPECT_EQ(p.headers.response_topic, "reply/1");
    EXPECT_EQ(p.headers.correlation_data, "req-7");
    EXPECT_TRUE(p.headers.user_properties.empty());
    EXPECT_EQ(publish_with(R"({"correlation-data-b64":"AP8="})").headers.correlation_data,
              std::string("\x00\xFF", 2));
}

TEST(json_headers, user_properties_keep_frame_order_and_arrays_repeat_a_name) {
    auto p = publish_with(R"({"b":"2","a":["1","3"],"content-type":"x","c":"","a2":[]})");
    EXPECT_EQ(p.headers.user_properties,
              (std::vector<user_property>{{"b", "2"}, {"a", "1"}, {"a", "3"}, {"c", ""}}));
    EXPECT_EQ(p.headers.content_type, "x");
}

TEST(json_headers, names_are_case_sensitive) {
    auto p = publish_with(R"({"Content-Type":"text/plain"})");
    EXPECT_EQ(p.headers.content_type, std::nullopt);
    EXPECT_EQ(p.headers.user_properties, (std::vector<user_property>{{"Content-Type", "text/plain"}}));
}

TEST(json_headers, errors) {
    EXPECT_EQ(reply_with("[]"), err(400, R"("\"headers\" must be an object")"));
    EXPECT_EQ(reply_with(R"({"a":1})"), err(400, R"("\"headers\": \"a\" must be a string")"));
    EXPECT_EQ(reply_with(R"({"a":["x",1]})"),
              err(400, R"("\"headers\": \"a\" must be a string or an array of strings")"));
    EXPECT_EQ(reply_with(R"({"a":[["x"]]})"),
              err(400, R"("\"headers\": \"a\" must be a string or an array of strings")"));
    EXPECT_EQ(reply_with(R"({"content-type":null})"),
              err(400, R"("\"headers\": \"content-type\" must be a string")"));
    EXPECT_EQ(reply_with(R"({"a\u0000":"x"})"), err(400, R"("\"headers\": a name contains NUL")"));
    EXPECT_EQ(reply_with(R"({"a":"x\u0000"})"), err(400, R"("\"headers\": a value contains NUL")"));
    EXPECT_EQ(reply_with(R"({"correlation-data":"a","correlation-data-b64":"AA=="})"),
              err(400, R"("\"headers\": both \"correlation-data\" and \"correlation-data-b64\"")"));
    EXPECT_EQ(reply_with(R"({"correlation-data-b64":"!"})"),
              err(400, R"("\"headers\": \"correlation-data-b64\" is not valid base64")"));
    EXPECT_EQ(reply_with(R"({"response-topic":"reply/+"})"),
              err(422, R"("invalid channel in \"response-topic\"")"));
}

TEST(json_headers, size_limit) {
    limits lim;
    lim.max_header_bytes = 4;
    const char* frame = R"({"id":1,"op":"publish","channel":"a","data":1,"headers":{"n":"12345"}})";
    EXPECT_EQ(decode_err(frame, lim).message, R"("headers": a value longer than 4 bytes)");
    frame = R"({"id":1,"op":"publish","channel":"a","data":1,"headers":{"12345":"v"}})";
    EXPECT_EQ(decode_err(frame, lim).message, R"("headers": a name longer than 4 bytes)");
}

TEST(json_message_from_publish, data_gets_json_content_type_and_utf8_format) {
    auto m = message_from_publish(
        decode_cmd<publish_cmd>(R"({"id":1,"op":"publish","channel":"chat/1","data":{"t":"hi"}})"),
        "alice");
    EXPECT_EQ(m.topic, "chat/1");
    EXPECT_EQ(m.payload, R"({"t":"hi"})");
    EXPECT_EQ(m.content_type, "application/json");
    EXPECT_EQ(m.payload_format, 1);
    EXPECT_EQ(m.qos, 0);
    EXPECT_FALSE(m.retain);
    EXPECT_EQ(m.origin_client, "alice");
}

TEST(json_message_from_publish, headers_qos_retain) {
    auto m = message_from_publish(
        decode_cmd<publish_cmd>(
            R"({"id":1,"op":"publish","channel":"a","data":"x","qos":1,"retain":true,)"
            R"("headers":{"content-type":"text/plain","response-topic":"r","correlation-data":"c","k":["1","2"]}})"),
        "bob");
    EXPECT_EQ(m.content_type, "text/plain");
    EXPECT_EQ(m.payload_format, 1);
    EXPECT_EQ(m.response_topic, "r");
    EXPECT_EQ(m.correlation_data, "c");
    EXPECT_EQ(m.user_properties, (std::vector<user_property>{{"k", "1"}, {"k", "2"}}));
    EXPECT_EQ(m.qos, 1);
    EXPECT_TRUE(m.retain);
}

TEST(json_message_from_publish, data_b64_has_no_content_type) {
    auto m = message_from_publish(
        decode_cmd<publish_cmd>(R"({"id":1,"op":"publish","channel":"a","data_b64":"AAEC"})"), "c");
    EXPECT_EQ(m.payload, std::string("\x00\x01\x02", 3));
    EXPECT_EQ(m.content_type, std::nullopt);
    EXPECT_EQ(m.payload_format, std::nullopt);
}
