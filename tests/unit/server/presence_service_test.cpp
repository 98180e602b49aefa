// The node's presence service at shutdown: once stopped, a query (queued before the stop or
// posted after it) is still answered, with an empty result the caller can tell by stopped(),
// so a REST request or JSON command does not wait out shutdown.grace for an answer that
// would never come.
#include "presence_service.hpp"

#include "support/manual_dispatcher.hpp"

#include <gtest/gtest.h>

namespace runnel {
namespace {

namespace asio = boost::asio;

struct service : ::testing::Test {
    test::manual_dispatcher d{1};
    obs::registry reg;
    broker::broker_stats stats{reg};
    broker::broker b{d, {}, stats};
    asio::io_context io;
    std::vector<std::function<void()>> answers; // what the service posted to the asking worker
    server::presence_service svc{presence::options{}, io, b,
                                 [this](std::size_t, std::function<void()> fn) { answers.push_back(std::move(fn)); },
                                 reg};

    /// Runs the service's queue, then the answers it posted.
    void settle() {
        io.restart();
        io.run();
        auto now = std::move(answers);
        answers.clear();
        for (auto& fn : now) fn();
        d.drain();
    }
};

TEST_F(service, answers_queries_before_it_stops) {
    svc.join("room", "ann", svc.new_connection());
    std::optional<presence::here_now_result> got;
    svc.here_now("room", 0, [&](presence::here_now_result r) { got = std::move(r); });
    settle();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->occupancy, 1u);
    EXPECT_FALSE(svc.stopped());
}

TEST_F(service, a_query_queued_before_the_stop_is_answered_empty) {
    svc.join("room", "ann", svc.new_connection());
    settle();
    std::optional<presence::here_now_result> got;
    svc.here_now("room", 0, [&](presence::here_now_result r) { got = std::move(r); });
    svc.stop(); // the query is still in the service's queue
    settle();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->occupancy, 0u);
    EXPECT_TRUE(got->members.empty());
    EXPECT_TRUE(svc.stopped());
}

TEST_F(service, every_query_posted_after_the_stop_completes) {
    svc.join("room", "ann", svc.new_connection());
    settle();
    svc.stop();
    auto flag = svc.stopped_flag();
    bool here = false, where = false, state = false;
    std::optional<errc> set;
    svc.here_now("room", 0, [&](presence::here_now_result r) { here = r.occupancy == 0; });
    svc.where_now("ann", 0, [&](std::vector<std::string> r) { where = r.empty(); });
    svc.get_state("room", "ann", 0, [&](std::optional<std::string> s) { state = !s; });
    svc.set_state("room", "ann", "{}", 0, [&](errc e) { set = e; });
    settle();
    EXPECT_TRUE(here);
    EXPECT_TRUE(where);
    EXPECT_TRUE(state);
    EXPECT_EQ(set, errc::shutting_down);
    EXPECT_TRUE(flag->load());
}

TEST(presence_service_lifetime, the_stop_flag_outlives_the_service) {
    test::manual_dispatcher d{1};
    obs::registry reg;
    broker::broker_stats stats{reg};
    broker::broker b{d, {}, stats};
    asio::io_context io;
    presence::hub::stop_flag flag;
    {
        server::presence_service svc{presence::options{}, io, b, [](std::size_t, std::function<void()>) {}, reg};
        flag = svc.stopped_flag();
        EXPECT_FALSE(flag->load());
    } // destroyed without stop(): a long-poll frame destroyed later must still see it gone
    EXPECT_TRUE(flag->load());
}

} // namespace
} // namespace runnel
