// History requests shared by REST and the JSON command: the plan, the page token, the reply.
#include "runnel/gateway/http/history_request.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace runnel;
using namespace runnel::gateway::http;

namespace {

constexpr auto top = std::numeric_limits<std::uint64_t>::max();

history_plan plan_of(history_params p) {
    auto r = plan_history(std::move(p));
    EXPECT_TRUE(std::holds_alternative<history_plan>(r)) << std::get<std::string>(r);
    return std::get<history_plan>(std::move(r));
}

std::string refusal_of(history_params p) {
    auto r = plan_history(std::move(p));
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

core::message_ptr msg(std::uint64_t offset, std::uint64_t tt) {
    auto m = std::make_shared<core::message>();
    m->topic = "c";
    m->payload = "1";
    m->cur = {offset, 7, tt};
    return m;
}

} // namespace

TEST(history_request, defaults_and_bounds) {
    auto d = plan_of({.channel = "c"});
    EXPECT_TRUE(d.q.newest_first);
    EXPECT_EQ(d.q.limit, 100u);
    EXPECT_EQ(d.q.after_offset, 0u);
    EXPECT_EQ(d.q.until_tt, top);
    auto b = plan_of({.channel = "c", .since_offset = 3, .since_tt = 4, .until_offset = 9, .until_tt = 10,
                      .epoch = "e", .newest_first = false, .limit = 5});
    EXPECT_EQ((std::vector<std::uint64_t>{b.q.after_offset, b.q.after_tt, b.q.until_offset, b.q.until_tt}),
              (std::vector<std::uint64_t>{3, 4, 9, 10}));
    EXPECT_FALSE(b.q.newest_first);
    EXPECT_EQ(b.epoch, "e");
}

TEST(history_request, refusals) {
    EXPECT_NE(refusal_of({.channel = "c", .limit = 0}), "");
    EXPECT_NE(refusal_of({.channel = "c", .limit = 1001}), "");
    EXPECT_NE(refusal_of({.channel = "c", .epoch = "e"}), "");                       // no offset bound
    EXPECT_NE(refusal_of({.channel = "c", .newest_first = true, .page = "x"}), "");   // the page has the order
    for (const char* bad : {"x", "bm9wZQ", "MSBuIDEgMiAz", "a+b/", ""})
        EXPECT_NE(refusal_of({.channel = "c", .page = bad}), "") << bad;
}

TEST(history_request, next_page_continues_by_timetoken_in_both_orders) {
    auto newest = plan_of({.channel = "c", .since_offset = 2, .limit = 2});
    broker::history_page page;
    page.messages = {msg(9, 90), msg(8, 80)};
    page.more = true;
    auto token = next_page_token(newest, page);
    ASSERT_TRUE(token);
    EXPECT_EQ(token->find_first_of("+/="), std::string::npos); // URL-safe as it is
    auto next = plan_of({.channel = "c", .limit = 2, .page = *token});
    EXPECT_TRUE(next.q.newest_first);
    EXPECT_EQ(next.q.after_offset, 2u);
    EXPECT_EQ(next.q.until_tt, 79u);
    EXPECT_EQ(next.q.until_offset, top);

    auto oldest = plan_of({.channel = "c", .until_tt = 500, .epoch = std::nullopt, .newest_first = false});
    page.messages = {msg(1, 10), msg(2, 20)};
    auto after = plan_of({.channel = "c", .page = *next_page_token(oldest, page)});
    EXPECT_FALSE(after.q.newest_first);
    EXPECT_EQ(after.q.after_tt, 20u);
    EXPECT_EQ(after.q.until_tt, 500u);
    page.more = false;
    EXPECT_FALSE(next_page_token(oldest, page));
}

TEST(history_request, reply_members) {
    auto plan = plan_of({.channel = "a/b", .limit = 1});
    broker::history_page page;
    page.messages = {msg(2, 20)};
    page.epoch = 7;
    page.last_offset = 2;
    auto text = history_members(plan, page);
    EXPECT_EQ(text, R"("channel":"a/b","epoch":"0000000000000007","last_offset":2,"messages":[{"channel":"c","data":1,)"
                    R"("offset":2,"epoch":"0000000000000007","tt":"20"}],"next":null,"complete":true)");
    page.complete = false;
    page.reason = "gone";
    EXPECT_NE(history_members(plan, page).find(R"("complete":false,"reason":"gone")"), std::string::npos);
    EXPECT_NE(history_members(plan_of({.channel = "c", .since_offset = 1, .epoch = "0000000000000008"}), page)
                  .find("epoch is now 0000000000000007"),
              std::string::npos);
    EXPECT_NE(history_members(plan_of({.channel = "c"}), broker::history_page{}).find(R"("epoch":null,"last_offset":0)"),
              std::string::npos);
}
