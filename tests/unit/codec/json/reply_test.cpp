// Replies: exact text of success replies built with reply_ok and of both error shapes.
#include "runnel/codec/json/reply.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

using namespace runnel::codec::json;

TEST(json_reply, ok_with_no_fields) {
    EXPECT_EQ(reply_ok("7").str(), R"({"id":7,"ok":true})");
    EXPECT_EQ(reply_ok(R"("a\"7")").str(), R"({"id":"a\"7","ok":true})");
}

TEST(json_reply, field_types) {
    const std::string s = "abc";
    auto r = reply_ok("1")
                 .field("recovered", true)
                 .field("gap", false)
                 .field("n", 5)
                 .field("neg", std::int64_t{-3})
                 .field("big", std::numeric_limits<std::uint64_t>::max())
                 .field("epoch", "e\"1")
                 .field("client_id", s)
                 .field("tt", std::string_view("17321234567890123"))
                 .raw_field("members", R"([{"client":"a"}])");
    EXPECT_EQ(std::move(r).str(),
              R"({"id":1,"ok":true,"recovered":true,"gap":false,"n":5,"neg":-3,)"
              R"("big":18446744073709551615,"epoch":"e\"1","client_id":"abc",)"
              R"("tt":"17321234567890123","members":[{"client":"a"}]})");
}

TEST(json_reply, str_on_an_lvalue_keeps_the_builder_usable) {
    reply_ok r("2");
    r.field("a", 1);
    EXPECT_EQ(r.str(), R"({"id":2,"ok":true,"a":1})");
    r.field("b", 2);
    EXPECT_EQ(r.str(), R"({"id":2,"ok":true,"a":1,"b":2})");
}

TEST(json_reply, errors) {
    EXPECT_EQ(encode_error("8", 403, "no publish grant for chat/1"),
              R"({"id":8,"ok":false,"error":{"code":403,"message":"no publish grant for chat/1"}})");
    EXPECT_EQ(encode_error(std::nullopt, 400, "bad \"x\"\n"),
              R"({"ok":false,"error":{"code":400,"message":"bad \"x\"\n"}})");
    EXPECT_EQ(encode_error(request_error{R"("q")", status::not_implemented, "unknown op"}),
              R"({"id":"q","ok":false,"error":{"code":501,"message":"unknown op"}})");
    EXPECT_EQ(encode_http_error(status::payload_too_large, "too big"),
              R"({"error":{"code":413,"message":"too big"}})");
}
