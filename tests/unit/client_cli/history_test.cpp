// `runnel history`: flags, bounds, the REST query and JSON request it sends, and the replies
// it reads.
#include "runnel/client_cli/commands.hpp"
#include "runnel/client_cli/requests.hpp"
#include "runnel/client_cli/server_frames.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include <gtest/gtest.h>

using namespace runnel::client_cli;

namespace {

history_args parse(std::vector<std::string> argv) {
    CLI::App app;
    history_args a;
    add_history_command(app, a);
    argv.insert(argv.begin(), "history");
    std::reverse(argv.begin(), argv.end()); // CLI11 takes a reversed vector
    app.parse(argv);
    finish_args(a);
    return a;
}

} // namespace

TEST(client_history, flags) {
    auto a = parse({"chat/1", "--limit", "5", "--since", "offset:3@9f3c01ab77e2d410", "--until", "tt:99", "--order",
                    "oldest", "--all", "--via", "ws", "-F", "raw"});
    EXPECT_EQ(a.o.channel, "chat/1");
    EXPECT_EQ(a.o.limit, 5u);
    EXPECT_EQ(a.o.since, (history_bound{false, 3, "9f3c01ab77e2d410"}));
    EXPECT_EQ(a.o.until, (history_bound{true, 99, ""}));
    EXPECT_FALSE(a.o.newest_first);
    EXPECT_TRUE(a.o.all);
    EXPECT_EQ(a.o.format, output_format::raw);
    EXPECT_EQ(validate(a.o).via, via::ws);
    auto d = parse({"c"});
    EXPECT_TRUE(d.o.newest_first);
    EXPECT_EQ(d.o.limit, 100u);
    EXPECT_FALSE(d.o.all);
    EXPECT_EQ(validate(d.o).via, via::http); // the default surface
}

TEST(client_history, bad_flags) {
    EXPECT_THROW(parse({"c", "--limit", "0"}), CLI::ValidationError);
    EXPECT_THROW(parse({"c", "--order", "up"}), CLI::ValidationError);
    EXPECT_THROW(parse({"c", "--via", "mqtt"}), CLI::ValidationError);
    for (const char* bad : {"3", "offset:", "offset:x", "tt:-1", "offset:3@", "tt:99999999999999999999", "when:3"})
        EXPECT_THROW(parse_history_bound("--since", bad), usage_error) << bad;
    history_options o;
    o.channel = "c";
    o.conn.url = "mqtt://127.0.0.1:1883";
    EXPECT_THROW(validate(o), usage_error); // history is not read over MQTT
}

TEST(client_history, rest_query_and_target) {
    history_options o;
    o.channel = "a/b c";
    o.limit = 10;
    o.since = history_bound{false, 4, "e1"};
    o.until = history_bound{true, 77, ""};
    EXPECT_EQ(history_target("", o.channel, history_query(o, std::nullopt)),
              "/v1/channels/a%2Fb%20c/messages?limit=10&order=newest&since_offset=4&until_tt=77&epoch=e1");
    EXPECT_EQ(history_target("/p", "x", history_query(o, std::string("T+/="))),
              "/p/v1/channels/x/messages?limit=10&page=T%2B%2F%3D");
}

TEST(client_history, json_request) {
    history_options o;
    o.channel = "chat/1";
    o.limit = 2;
    o.newest_first = false;
    o.since = history_bound{false, 4, "e1"};
    o.until = history_bound{true, 77, ""};
    EXPECT_EQ(history_members(o, std::nullopt),
              R"("op":"history","channel":"chat/1","limit":2,"order":"oldest","since":{"offset":4,"epoch":"e1"},"until":{"tt":"77"})");
    EXPECT_EQ(history_members(o, std::string("P")), R"("op":"history","channel":"chat/1","limit":2,"page":"P")");
}

TEST(client_history, replies) {
    auto r = decode_history_reply(R"({"id":1,"ok":true,"channel":"c","epoch":"e","last_offset":2,)"
                                  R"("messages":[{"channel":"c","data":1,"offset":2}],"next":"N","complete":false,"reason":"gone"})");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->messages[0].json, R"({"channel":"c","data":1,"offset":2})");
    EXPECT_EQ(r->next, "N");
    EXPECT_FALSE(r->complete);
    EXPECT_EQ(r->reason, "gone");
    auto last = decode_history_reply(R"({"channel":"c","epoch":null,"last_offset":0,"messages":[],"next":null,"complete":true})");
    ASSERT_TRUE(last);
    EXPECT_FALSE(last->next);
    EXPECT_TRUE(last->complete);
    EXPECT_FALSE(decode_history_reply(R"({"messages":[],"complete":true})"));
    EXPECT_FALSE(decode_history_reply(R"({"messages":[{"x":1}],"next":null,"complete":true})"));
}
