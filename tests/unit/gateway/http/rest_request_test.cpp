// The pure half of the REST endpoints (rest_request.cpp): routing, the channel in the path,
// the publish's message and the history query.
#include "rest_request.hpp"

#include <boost/beast/http/field.hpp>

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::gateway::http;
namespace bhttp = boost::beast::http;

namespace {

request_t req(bhttp::verb v, std::string target, std::string body = {}) {
    request_t r{v, target, 11};
    r.set(bhttp::field::host, "localhost");
    r.body() = std::move(body);
    if (v == bhttp::verb::post) r.prepare_payload();
    return r;
}

unsigned status_of(const auto& answer) {
    return std::holds_alternative<response>(answer) ? std::get<response>(answer).result_int() : 0;
}

} // namespace

TEST(rest_request, routes_the_messages_path_and_keeps_the_channel_encoded) {
    const auto post = req(bhttp::verb::post, "/v1/channels/chat%2Froom/messages?x=1");
    auto r = route_rest(post); // the channel points into the request
    ASSERT_TRUE(std::holds_alternative<rest_route>(r));
    EXPECT_EQ(std::get<rest_route>(r).encoded_channel, "chat%2Froom");
    EXPECT_FALSE(std::get<rest_route>(r).get);
    EXPECT_TRUE(std::get<rest_route>(route_rest(req(bhttp::verb::get, "/v1/channels/a/messages"))).get);
}

TEST(rest_request, refuses_other_paths_and_methods) {
    EXPECT_EQ(status_of(route_rest(req(bhttp::verb::get, "/v1/channels//messages"))), 404u); // no channel
    EXPECT_EQ(status_of(route_rest(req(bhttp::verb::get, "/v1/channels/messages"))), 404u);
    EXPECT_EQ(status_of(route_rest(req(bhttp::verb::get, "/v1/channels/a/other"))), 404u);
    auto put = route_rest(req(bhttp::verb::put, "/v1/channels/a/messages"));
    ASSERT_EQ(status_of(put), 405u);
    EXPECT_EQ(std::get<response>(put)[bhttp::field::allow], "GET, POST");
}

TEST(rest_request, decodes_the_channel) {
    EXPECT_EQ(std::get<std::string>(decode_channel("chat%2Froom", true)), "chat/room");
    EXPECT_EQ(status_of(decode_channel("bad%2", true)), 400u);
}

TEST(rest_request, builds_the_publish_message) {
    auto r = req(bhttp::verb::post, "/v1/channels/a/messages", R"({"t":1})");
    r.set(bhttp::field::content_type, "application/json");
    r.set("Idempotency-Key", "k");
    r.set("X-Client-Id", "c");
    const core::topic_limits topics;
    auto m = publish_message(r, "a/b", topics);
    ASSERT_TRUE(std::holds_alternative<core::message>(m));
    const auto& msg = std::get<core::message>(m);
    EXPECT_EQ(msg.topic, "a/b");
    EXPECT_EQ(msg.payload, R"({"t":1})");
    EXPECT_EQ(msg.payload_format, 1);
    EXPECT_EQ(msg.idempotency_key, "k");
    EXPECT_EQ(msg.origin_client, "c");

    EXPECT_EQ(status_of(publish_message(r, "$SYS/x", topics)), 403u);
    EXPECT_EQ(status_of(publish_message(r, "a/+", topics)), 422u);
    r.body() = "{";
    r.prepare_payload();
    EXPECT_EQ(status_of(publish_message(r, "a", topics)), 400u);
    r.set("Idempotency-Key", std::string(257, 'k'));
    r.set(bhttp::field::content_type, "text/plain");
    EXPECT_EQ(status_of(publish_message(r, "a", topics)), 400u);
    r.set(bhttp::field::content_encoding, "gzip");
    EXPECT_EQ(status_of(publish_message(r, "a", topics)), 415u);
}

TEST(rest_request, reads_the_history_query) {
    auto p = read_history_params(req(bhttp::verb::get, "/v1/channels/a/messages?limit=5&order=oldest&since_offset=3&x=y"), "a");
    ASSERT_TRUE(std::holds_alternative<history_params>(p));
    const auto& h = std::get<history_params>(p);
    EXPECT_EQ(h.channel, "a");
    EXPECT_EQ(h.limit, 5u);
    EXPECT_EQ(h.newest_first, false);
    EXPECT_EQ(h.since_offset, 3u);
    auto bad = read_history_params(req(bhttp::verb::get, "/v1/channels/a/messages?limit=0"), "a");
    ASSERT_TRUE(std::holds_alternative<std::string>(bad));
    EXPECT_EQ(std::get<std::string>(bad), "limit must be 1..1000, got '0'");
    EXPECT_TRUE(std::holds_alternative<std::string>(read_history_params(req(bhttp::verb::get, "/x?order=up"), "a")));
}
