#include "runnel/bench_tool/json_frames.hpp"

#include "runnel/bench_tool/payload.hpp"
#include "runnel/codec/json/text.hpp"

#include <gtest/gtest.h>

using namespace runnel::bench_tool;
using kind = json_frame::kind;

namespace {
std::string b64(std::string_view bytes) {
    std::string out;
    runnel::codec::json::append_base64(out, bytes);
    return out;
}
} // namespace

TEST(bench_json_frames, push_with_data_b64_and_the_members_a_server_may_add) {
    auto f = scan_json_frame(R"({"op":"message","channel":"bench/1/fanout","data_b64":"aGk=","offset":42,)"
                             R"("epoch":"e1","tt":"17321234567890123","from":"auto-0a","headers":{"k":["a","b"],"x":"}"}})");
    ASSERT_EQ(f.what, kind::message);
    EXPECT_EQ(f.channel, "bench/1/fanout");
    EXPECT_EQ(f.data_b64, "aGk=");
    EXPECT_TRUE(f.data.empty());
}

TEST(bench_json_frames, members_in_any_order_with_whitespace_and_escapes) {
    auto f = scan_json_frame(" {\n \"data\" : {\"t\": [1, \"]\\\"\"]} ,\t\"channel\":\"a\\\"b\", \"op\" : \"message\" } ");
    ASSERT_EQ(f.what, kind::message);
    EXPECT_EQ(f.data, R"({"t": [1, "]\""]})");
    EXPECT_EQ(f.channel, R"(a\"b)"); // as written
}

TEST(bench_json_frames, replies_ok_and_errors) {
    auto ok = scan_json_frame(R"({"id":17,"ok":true,"matched":1000})");
    ASSERT_EQ(ok.what, kind::reply);
    EXPECT_EQ(ok.id, "17");
    EXPECT_TRUE(ok.ok);
    EXPECT_EQ(id_number(ok.id), 17u);

    auto err = scan_json_frame(R"({"id":"s1","ok":false,"error":{"message":"no publish grant for a","code":403}})");
    ASSERT_EQ(err.what, kind::reply);
    EXPECT_EQ(err.id, R"("s1")");
    EXPECT_FALSE(err.ok);
    EXPECT_EQ(err.error_code, 403);
    EXPECT_EQ(err.error_message, "no publish grant for a");
    EXPECT_EQ(id_number(err.id), std::nullopt);

    // Without a usable id the server answers with no "id": not a reply to anything.
    EXPECT_EQ(scan_json_frame(R"({"ok":false,"error":{"code":400,"message":"malformed JSON"}})").what, kind::other);
}

TEST(bench_json_frames, ids_are_non_negative_integers) {
    EXPECT_EQ(id_number("0"), 0u);
    EXPECT_EQ(id_number("18446744073709551615"), UINT64_MAX);
    for (const char* bad : {"-1", "1.5", "1e3", "\"1\"", "", "18446744073709551616"}) EXPECT_EQ(id_number(bad), std::nullopt) << bad;
}

TEST(bench_json_frames, what_is_not_one_object_is_invalid) {
    for (const char* bad : {"", "[]", "42", "{", "{\"op\":\"message\"", "{\"op\" \"message\"}", "{\"a\":1,}",
                            "{\"a\":1}{}", "{\"a\":\"x}", "{\"a\":{\"b\":[}]}", "{\"a\":}", "{\"a\":\"\n\"}", "{a:1}"}) {
        EXPECT_EQ(scan_json_frame(bad).what, kind::invalid) << bad;
    }
    EXPECT_EQ(scan_json_frame("{}").what, kind::other);
}

TEST(bench_json_frames, nesting_is_bounded) {
    std::string deep = "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}";
    EXPECT_EQ(scan_json_frame(deep).what, kind::other);
    std::string deeper = "{\"a\":" + std::string(65, '[') + std::string(65, ']') + "}";
    EXPECT_EQ(scan_json_frame(deeper).what, kind::invalid);
}

TEST(bench_json_frames, push_payload_decodes_the_bench_header_from_base64) {
    payload_header h{7, 123456789, 987654321012};
    auto payload = encode_payload(h, 64);
    auto frame = R"({"op":"message","channel":"c","data_b64":")" + b64(payload) + R"(","from":"p"})";
    std::string scratch;
    auto got = push_payload(scan_json_frame(frame), payload_header_size, scratch);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->size(), payload_header_size); // only the groups the header needs
    EXPECT_EQ(decode_payload(*got), h);
    // The whole payload when asked for more than there is.
    got = push_payload(scan_json_frame(frame), 1000, scratch);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, payload);
}

TEST(bench_json_frames, push_payload_undoes_escaped_slashes) {
    std::string bytes("\xFB\xFF\xBF", 3); // "+/+/"
    std::string scratch;
    auto got = push_payload(scan_json_frame(R"({"op":"message","data_b64":"+\/+\/"})"), 3, scratch);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, bytes);
    got = push_payload(scan_json_frame(R"({"op":"message","data_b64":"\u002b/+/"})"), 3, scratch);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, bytes);
    EXPECT_FALSE(push_payload(scan_json_frame(R"({"op":"message","data_b64":"\n"})"), 3, scratch));
}

TEST(bench_json_frames, push_payload_of_data_is_the_text_verbatim) {
    std::string scratch;
    auto got = push_payload(scan_json_frame(R"({"op":"message","data":{"t": 1}})"), 24, scratch);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, R"({"t": 1})");
    EXPECT_FALSE(push_payload(scan_json_frame(R"({"op":"message","channel":"c"})"), 24, scratch));
    EXPECT_FALSE(push_payload(scan_json_frame(R"({"op":"message","data_b64":"Zh=="})"), 24, scratch));
}

TEST(bench_json_frames, requests) {
    auto channel = json_quoted("bench/\"1\"");
    EXPECT_EQ(channel, R"("bench/\"1\"")");
    EXPECT_EQ(subscribe_request(1, channel), R"({"id":1,"op":"subscribe","channel":"bench/\"1\""})");
    std::string out = "x";
    append_publish_request(out, 42, channel, 0, "hi");
    EXPECT_EQ(out, R"(x{"id":42,"op":"publish","channel":"bench/\"1\"","data_b64":"aGk="})");
    out.clear();
    append_publish_request(out, 0, R"("c")", 1, "");
    EXPECT_EQ(out, R"({"id":0,"op":"publish","channel":"c","qos":1,"data_b64":""})");
}

TEST(bench_json_frames, a_publish_request_scans_back) {
    std::string out;
    append_publish_request(out, 9, R"("c")", 2, "payload");
    auto f = scan_json_frame(out);
    EXPECT_EQ(f.what, kind::other); // a request, not a reply or a push
    EXPECT_EQ(f.id, "9");
    EXPECT_EQ(f.data_b64, b64("payload"));
}
