// The JSON-protocol requests of runnel pub/sub: payloads keep their bytes either way.
#include "runnel/client_cli/requests.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;

namespace {
pub_options pub() {
    pub_options o;
    o.channel = "chat/1";
    return o;
}
} // namespace

TEST(client_requests, compact_json_goes_as_data) {
    EXPECT_EQ(publish_members(pub(), R"({"t":"hi"})"), R"("op":"publish","channel":"chat/1","data":{"t":"hi"})");
    EXPECT_EQ(publish_members(pub(), "12.50"), R"("op":"publish","channel":"chat/1","data":12.50)");
}

TEST(client_requests, anything_else_goes_as_base64) {
    // Whitespace around a JSON text would be lost as "data": the value's text has none.
    EXPECT_FALSE(sends_as_data("{}\n"));
    EXPECT_FALSE(sends_as_data(" 1"));
    EXPECT_FALSE(sends_as_data("hello"));
    EXPECT_FALSE(sends_as_data(""));
    EXPECT_TRUE(sends_as_data(R"({"a": [1, 2]})"));
    EXPECT_EQ(publish_members(pub(), "hi\n"), R"("op":"publish","channel":"chat/1","data_b64":"aGkK")");
}

TEST(client_requests, headers_qos_retain) {
    auto o = pub();
    o.content_type = "text/plain";
    o.headers = {{"k", "1"}, {"x", "y"}, {"k", "2"}};
    o.qos = 2;
    o.retain = true;
    EXPECT_EQ(publish_members(o, "hi"),
              R"("op":"publish","channel":"chat/1","data_b64":"aGk=","headers":{"content-type":"text/plain","k":["1","2"],"x":"y"},"qos":2,"retain":true)");
}

TEST(client_requests, connect_and_subscribe) {
    EXPECT_EQ(connect_members("", std::nullopt), R"("op":"connect")");
    EXPECT_EQ(connect_members("me", std::string("t\"k")), R"("op":"connect","client_id":"me","token":"t\"k")");
    EXPECT_EQ(subscribe_members("a/+"), R"("op":"subscribe","channel":"a/+")");
}
