// decode_request framing: frame size, JSON syntax, depth, the id, the op, duplicate keys.
// Errors are checked as the exact reply text a client would receive.
#include "json_test_util.hpp"

#include "runnel/codec/json/reply.hpp"

#include <gtest/gtest.h>

using namespace runnel::codec::json;
using test::decode_err;
using test::decode_ok;

namespace {

std::string reply_to(std::string_view frame, const limits& lim = {}) {
    return encode_error(decode_err(frame, lim));
}

const std::string bad_id =
    R"({"ok":false,"error":{"code":400,"message":"\"id\" must be an integer >= 0 or a string of 1..64 bytes"}})";

} // namespace

TEST(json_decode_request, integer_id_is_kept_as_text) {
    EXPECT_EQ(decode_ok(R"({"id": 7, "op": "ping"})").id, "7");
    EXPECT_EQ(decode_ok(R"({"id":0,"op":"ping"})").id, "0");
    EXPECT_EQ(decode_ok(R"({"id":9223372036854775807,"op":"ping"})").id, "9223372036854775807");
}

TEST(json_decode_request, string_id_is_kept_as_json_string) {
    EXPECT_EQ(decode_ok(R"({"id":"a7","op":"ping"})").id, R"("a7")");
    EXPECT_EQ(decode_ok(R"({"id":"q\"\\","op":"ping"})").id, R"("q\"\\")");
    // Escapes that are not needed come back in canonical form: the same string value.
    EXPECT_EQ(decode_ok(R"({"id":"\u0041\u00e9","op":"ping"})").id, "\"A\xC3\xA9\"");
    EXPECT_EQ(decode_ok(R"({"id":"\u0001","op":"ping"})").id, R"("\u0001")");
    EXPECT_EQ(decode_ok(R"({"id":")" + std::string(64, 'x') + R"(","op":"ping"})").id,
              "\"" + std::string(64, 'x') + "\"");
}

TEST(json_decode_request, invalid_ids_are_refused_without_echo) {
    for (const char* frame : {
             R"({"op":"ping"})",
             R"({"id":-1,"op":"ping"})",
             R"({"id":9223372036854775808,"op":"ping"})",
             R"({"id":18446744073709551616,"op":"ping"})",
             R"({"id":1.5,"op":"ping"})",
             R"({"id":1.0,"op":"ping"})",
             R"({"id":1e2,"op":"ping"})",
             R"({"id":"","op":"ping"})",
             R"({"id":null,"op":"ping"})",
             R"({"id":true,"op":"ping"})",
             R"({"id":[1],"op":"ping"})",
             R"({"id":{},"op":"ping"})",
         })
        EXPECT_EQ(reply_to(frame), bad_id) << frame;
    EXPECT_EQ(reply_to(R"({"id":")" + std::string(65, 'x') + R"(","op":"ping"})"), bad_id);
}

TEST(json_decode_request, id_length_limit_is_configurable) {
    limits lim;
    lim.max_id_bytes = 2;
    EXPECT_EQ(decode_ok(R"({"id":"ab","op":"ping"})", lim).id, R"("ab")");
    EXPECT_EQ(decode_err(R"({"id":"abc","op":"ping"})", lim).message,
              R"("id" must be an integer >= 0 or a string of 1..2 bytes)");
}

TEST(json_decode_request, malformed_json) {
    EXPECT_EQ(reply_to("{"),
              R"({"ok":false,"error":{"code":400,"message":"malformed JSON: incomplete JSON"}})");
    EXPECT_EQ(reply_to(""),
              R"({"ok":false,"error":{"code":400,"message":"malformed JSON: incomplete JSON"}})");
    EXPECT_EQ(reply_to(R"({"id":1,"op":"ping"} x)"),
              R"({"ok":false,"error":{"code":400,"message":"malformed JSON: extra data"}})");
    EXPECT_EQ(reply_to(R"({"id":1,"op":"ping",})"),
              R"({"ok":false,"error":{"code":400,"message":"malformed JSON: syntax error"}})");
    EXPECT_EQ(decode_err(R"({"id":1,/*c*/"op":"ping"})").code, 400);
    EXPECT_EQ(decode_err("{\"id\":1,\"op\":\"ping\",\"x\":\"\xFF\"}").code, 400); // bad UTF-8
    EXPECT_EQ(decode_err("{\"id\":1,\"op\":\"ping\",\"x\":\"a\x01\"}").code, 400); // raw control
    EXPECT_EQ(decode_err(R"({"id":1,"op":"ping","x":"\ud800"})").code, 400); // lone surrogate
    EXPECT_EQ(decode_err(R"({"id":1,"op":"ping","x":NaN})").code, 400);
}

TEST(json_decode_request, not_an_object) {
    const std::string expected =
        R"({"ok":false,"error":{"code":400,"message":"a request must be a JSON object"}})";
    for (const char* frame : {"[1]", "42", "\"ping\"", "null", "true"})
        EXPECT_EQ(reply_to(frame), expected) << frame;
}

TEST(json_decode_request, whitespace_and_member_order_do_not_matter) {
    EXPECT_EQ(decode_ok(" \n\t{ \"op\" : \"ping\" ,\r\n \"id\" : 3 } \n").id, "3");
}

TEST(json_decode_request, unknown_members_are_ignored) {
    auto r = decode_ok(R"({"id":1,"op":"ping","future":{"x":[1,2]},"trace":"t"})");
    EXPECT_TRUE(std::holds_alternative<ping_cmd>(r.cmd));
}

TEST(json_decode_request, unknown_op_is_501_with_the_id) {
    EXPECT_EQ(reply_to(R"({"id":5,"op":"fly"})"),
              R"({"id":5,"ok":false,"error":{"code":501,"message":"unknown op \"fly\""}})");
    EXPECT_EQ(reply_to(R"({"id":"x","op":"PING"})"),
              R"({"id":"x","ok":false,"error":{"code":501,"message":"unknown op \"PING\""}})");
    // A long op name is cut in the message.
    auto e = decode_err(R"({"id":5,"op":")" + std::string(500, 'o') + "\"}");
    EXPECT_EQ(e.message, "unknown op \"" + std::string(64, 'o') + "\"");
}

TEST(json_decode_request, missing_or_non_string_op) {
    const std::string expected =
        R"({"id":5,"ok":false,"error":{"code":400,"message":"\"op\" must be a string"}})";
    EXPECT_EQ(reply_to(R"({"id":5})"), expected);
    EXPECT_EQ(reply_to(R"({"id":5,"op":1})"), expected);
    EXPECT_EQ(reply_to(R"({"id":5,"op":null})"), expected);
}

TEST(json_decode_request, duplicate_keys_are_refused) {
    EXPECT_EQ(reply_to(R"({"id":5,"op":"ping","op":"ping"})"),
              R"({"id":5,"ok":false,"error":{"code":400,"message":"duplicate keys in the request"}})");
    EXPECT_EQ(decode_err(R"({"id":1,"op":"publish","channel":"a","data":1,"data":2})").code, 400);
    // Nested duplicates are the payload's business: "data" travels as written.
    auto r = decode_ok(R"({"id":1,"op":"publish","channel":"a","data":{"k":1,"k":2}})");
    EXPECT_EQ(std::get<publish_cmd>(r.cmd).payload, R"({"k":1,"k":2})");
}

TEST(json_decode_request, frame_size_limit) {
    limits lim;
    lim.max_frame_bytes = 20;
    const std::string ok = R"({"id":1,"op":"ping"})"; // 20 bytes
    ASSERT_EQ(ok.size(), 20u);
    EXPECT_EQ(decode_ok(ok, lim).id, "1");
    EXPECT_EQ(reply_to(ok + " ", lim),
              R"({"ok":false,"error":{"code":413,"message":"frame longer than 20 bytes"}})");
    // The default is 1 MiB.
    const std::string big = R"({"id":1,"op":"publish","channel":"a","data":")" +
                            std::string(1u << 20, 'x') + "\"}";
    EXPECT_EQ(decode_err(big).code, 413);
}

namespace {
std::string nested_publish(std::size_t arrays) {
    return R"({"id":1,"op":"publish","channel":"a","data":)" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}";
}
} // namespace

TEST(json_decode_request, depth_limit_counts_the_request_object) {
    EXPECT_EQ(std::get<publish_cmd>(decode_ok(nested_publish(63)).cmd).payload,
              std::string(63, '[') + std::string(63, ']'));
    EXPECT_EQ(reply_to(nested_publish(64)),
              R"({"ok":false,"error":{"code":400,"message":"nested deeper than 64 levels"}})");
    EXPECT_EQ(decode_err(nested_publish(100000)).code, 400);
    limits lim;
    lim.max_depth = 3;
    EXPECT_EQ(decode_ok(nested_publish(2), lim).id, "1");
    EXPECT_EQ(decode_err(nested_publish(3), lim).message, "nested deeper than 3 levels");
}

TEST(json_decode_request, big_numbers_outside_the_id_are_fine) {
    auto p = test::decode_cmd<publish_cmd>(
        R"({"id":1,"op":"publish","channel":"a","data":[123456789012345678901234567890,1e400,-0.0]})");
    EXPECT_EQ(p.payload, "[123456789012345678901234567890,1e400,-0.0]");
}
