// Server frames as runnel sub prints them: message objects keep every value's text, "op" goes.
#include "runnel/client_cli/server_frames.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace runnel::client_cli;

TEST(client_frames, push_loses_op_and_keeps_the_rest_as_sent) {
    auto f = decode_ws_frame(
        R"({"op":"message","channel":"chat/1","data":{"n": 12.50, "big": 123456789012345678901234},"offset":42,)"
        R"("epoch":"e1","tt":"17321234567890123","from":"alice","headers":{"content-type":"application/json"}})");
    ASSERT_TRUE(f);
    auto* m = std::get_if<received>(&*f);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->json, R"({"channel":"chat/1","data":{"n": 12.50, "big": 123456789012345678901234},"offset":42,)"
                       R"("epoch":"e1","tt":"17321234567890123","from":"alice","headers":{"content-type":"application/json"}})");
    EXPECT_EQ(m->payload, R"({"n": 12.50, "big": 123456789012345678901234})");
    EXPECT_NO_THROW(boost::json::parse(m->json));
}

TEST(client_frames, base64_payloads_are_decoded_for_raw_output) {
    auto m = decode_message_object(R"({"channel":"a","data_b64":"AP8K"})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->payload, std::string("\x00\xFF\n", 3));
    EXPECT_EQ(m->json, R"({"channel":"a","data_b64":"AP8K"})");
    EXPECT_FALSE(decode_message_object(R"({"channel":"a","data_b64":"%%"})"));
    EXPECT_FALSE(decode_message_object(R"({"channel":"a"})"));
    EXPECT_FALSE(decode_message_object(R"({"data":1})"));
    EXPECT_FALSE(decode_message_object(R"({"channel":"a","data":1,"data":2})"));
    EXPECT_FALSE(decode_message_object("not json"));
}

TEST(client_frames, replies) {
    auto f = decode_ws_frame(R"({"id":8,"ok":false,"error":{"code":422,"message":"invalid channel"}})");
    ASSERT_TRUE(f);
    auto* r = std::get_if<reply>(&*f);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, 8);
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->code, 422u);
    EXPECT_EQ(r->message, "invalid channel");
    f = decode_ws_frame(R"({"id":"s","ok":true,"matched":1})");
    r = std::get_if<reply>(&*f);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->id);
    EXPECT_TRUE(r->ok);
    EXPECT_EQ(r->text, R"({"id":"s","ok":true,"matched":1})");
}

TEST(client_frames, other_pushes_are_not_messages) {
    auto f = decode_ws_frame(R"({"op":"presence","channel":"room/1","action":"join"})");
    ASSERT_TRUE(f);
    EXPECT_EQ(std::get<other_frame>(*f).op, "presence");
    EXPECT_FALSE(decode_ws_frame("[1]"));
}

TEST(client_frames, long_poll_reply) {
    auto r = decode_poll_reply(
        R"({"messages":[{"channel":"a","data": [1, 2.0],"tt":"5"},{"channel":"b","data_b64":"aGk="}],)"
        R"("cursor":"6","recovered":false,"reason":"cursor is older than the buffer of a"})");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->messages.size(), 2u);
    EXPECT_EQ(r->messages[0].json, R"({"channel":"a","data":[1, 2.0],"tt":"5"})");
    EXPECT_EQ(r->messages[1].payload, "hi");
    EXPECT_EQ(r->cursor, "6");
    EXPECT_EQ(r->recovered, false);
    EXPECT_EQ(r->reason, "cursor is older than the buffer of a");
    auto empty = decode_poll_reply(R"({"messages":[],"cursor":"7"})");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->messages.empty());
    EXPECT_FALSE(empty->recovered);
    EXPECT_FALSE(decode_poll_reply(R"({"messages":[{"channel":"a"}],"cursor":"7"})"));
    EXPECT_FALSE(decode_poll_reply(R"({"messages":[]})"));
}

TEST(client_frames, deep_payloads_still_decode) {
    std::string deep(64, '[');
    deep += std::string(64, ']');
    auto r = decode_poll_reply(R"({"messages":[{"channel":"a","data":)" + deep + R"(}],"cursor":"1"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->messages[0].payload, deep);
}

TEST(client_frames, http_errors_and_resets) {
    EXPECT_EQ(describe_http_error(422, R"({"error":{"code":422,"message":"invalid channel name"}})"),
              "HTTP 422: invalid channel name");
    EXPECT_EQ(describe_http_error(502, "Bad Gateway\r\n"), "HTTP 502: Bad Gateway");
    EXPECT_EQ(describe_http_error(500, ""), "HTTP 500");
    EXPECT_EQ(reset_reason(R"({"recovered":false,"reason":"too old"})"), "too old");
    EXPECT_EQ(reset_reason("x"), "x");
}
