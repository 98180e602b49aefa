// JSON error answers of the HTTP listener: the message often quotes the request (a path, a
// query value, a token's reason), so it must be escaped into valid JSON whatever the bytes.
// Also the long-poll/SSE query's `presence` parameter.
#include "cursor_query.hpp"
#include "responses.hpp"
#include "rest_request.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::gateway::http;
namespace bhttp = boost::beast::http;

namespace {

/// The `message` of a JSON error answer; fails the test unless the body is strict JSON.
std::string message_of(const response& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    EXPECT_FALSE(ec) << ec.message() << ": " << res.body();
    if (ec) return {};
    const auto& err = v.at("error");
    EXPECT_EQ(err.at("code").as_int64(), res.result_int());
    return std::string(err.at("message").as_string());
}

request_t get(std::string target) {
    request_t req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "localhost");
    return req;
}

} // namespace

TEST(json_error, escapes_quotes_backslashes_and_control_characters) {
    EXPECT_EQ(message_of(json_error(400, "a \"b\" \\c\nd\te\x01")), "a \"b\" \\c\nd\te\x01");
}

// Bytes that are not UTF-8 were copied into the body, which strict JSON parsers (browsers,
// Boost.JSON) refuse.
TEST(json_error, bytes_that_are_not_utf8_become_replacement_characters) {
    EXPECT_EQ(message_of(json_error(404, "no such path: /x\xff\xc0")), "no such path: /x\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(message_of(json_error(404, "caf\xC3\xA9")), "caf\xC3\xA9");
}

// Found by http_request_fuzz (tests/fuzz/corpus/http/regression-404-not-utf8): the 404 of a
// path with a raw 0xC0 byte quoted the path into a body that was not JSON.
TEST(json_error, the_404_of_a_path_that_is_not_utf8_is_json) {
    http_context ctx;
    auto res = route(ctx, get("/v1\xc0" "channels/a/messages?page=MSBuIDAgMCAxOCAxOCAt&limit=2"));
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_EQ(message_of(res), "no such path: /v1\xEF\xBF\xBD" "channels/a/messages");
}

TEST(json_error, a_rest_path_with_raw_high_bytes_gives_json) {
    auto routed = route_rest(get("/v1/channels/\xfe/other"));
    ASSERT_TRUE(std::holds_alternative<response>(routed));
    EXPECT_EQ(message_of(std::get<response>(routed)), "no such path: /v1/channels/\xEF\xBF\xBD/other");
}

TEST(json_error, a_decoded_query_value_with_any_bytes_gives_json) {
    const core::topic_limits topics;
    auto q = read_cursor_query(get("/v1/subscribe?channel=a&cursor=%ff%22%0a"), topics, nullptr);
    ASSERT_TRUE(std::holds_alternative<response>(q));
    EXPECT_EQ(message_of(std::get<response>(q)), "cursor must be a timetoken (a decimal string), got '\xEF\xBF\xBD\"\n'");
}

TEST(cursor_query, presence_parameter) {
    const core::topic_limits topics;
    auto presence_of = [&](const std::string& target) {
        auto q = read_cursor_query(get(target), topics, nullptr);
        EXPECT_TRUE(std::holds_alternative<cursor_query>(q)) << target;
        return std::get<cursor_query>(q).presence;
    };
    EXPECT_EQ(presence_of("/v1/subscribe?channel=a%2F%2B"), std::nullopt);
    EXPECT_EQ(presence_of("/v1/subscribe?channel=a%2F%2B&presence=1"), std::optional<bool>(true));
    EXPECT_EQ(presence_of("/v1/subscribe?presence=true&channel=a"), std::optional<bool>(true));
    EXPECT_EQ(presence_of("/v1/subscribe?channel=a&presence=0"), std::optional<bool>(false));
    EXPECT_EQ(presence_of("/v1/subscribe?channel=a&presence=false"), std::optional<bool>(false));
    auto bad = read_cursor_query(get("/v1/subscribe?channel=a&presence=yes"), topics, nullptr);
    ASSERT_TRUE(std::holds_alternative<response>(bad));
    EXPECT_EQ(std::get<response>(bad).result_int(), 400);
    EXPECT_EQ(message_of(std::get<response>(bad)), "presence must be 1, true, 0 or false, got 'yes'");
}
