// An SSE stream's presence membership ends on every way out of the stream: a write that throws
// (the coroutine unwinds past the end of serve_sse) must not leave a member behind, and a stream
// that outlives the presence service (node shutdown) must not call it.
#include "streams.hpp"
#include "test_peer.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/obs/auth_denials.hpp"
#include "runnel/obs/metrics.hpp"

#include "../../../support/manual_dispatcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace runnel::gateway::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

/// Records membership calls: joins minus ends is what the registry would still hold.
class recording_hub final : public presence::hub {
public:
    stop_flag stopped_flag() const override { return flag; }
    presence::conn_id new_connection() override { return ++next; }
    void join(std::string channel, std::string member, presence::conn_id) override {
        joins.push_back(channel + "/" + member);
    }
    void leave(std::string, std::string, presence::conn_id, presence::leave_reason) override { ++ends; }
    void handoff(std::string, std::string, presence::conn_id, presence::conn_id) override {}
    void leave_matching(std::string, std::string, presence::conn_id, std::size_t,
                        std::function<void(bool)> done) override {
        done(true);
    }
    void disconnect(std::string, presence::conn_id, presence::leave_reason why) override {
        ++ends;
        last_why = why;
    }
    void set_state(std::string, std::string, std::string, std::size_t, std::function<void(errc)> done) override {
        done(errc::not_found);
    }
    void get_state(std::string, std::string, std::size_t, std::function<void(std::optional<std::string>)> done) override {
        done(std::nullopt);
    }
    void here_now(std::string, std::size_t, std::function<void(presence::here_now_result)> done) override { done({}); }
    void where_now(std::string, std::size_t, std::function<void(std::vector<std::string>)> done) override { done({}); }

    std::shared_ptr<std::atomic<bool>> flag = std::make_shared<std::atomic<bool>>(false);
    presence::conn_id next = 0;
    std::vector<std::string> joins;
    int ends = 0;
    presence::leave_reason last_why = presence::leave_reason::clean;
};

struct sse_presence : ::testing::Test {
    asio::io_context io;
    obs::registry reg;
    test::manual_dispatcher d{1};
    broker::broker_stats stats{reg};
    broker::broker b{d, {.shards = 1, .limits = {}, .buffer = {.max_messages = 5, .max_bytes = 1 << 20, .max_age = 60s}},
                     stats};
    auth::static_authenticator authn{auth::static_options{}}; // anonymous on loopback, every grant
    http_context ctx;
    test_peer peer{io, test_peer::writes::throw_};
    recording_hub hub;

    sse_presence() {
        ctx.ready = [] { return true; };
        ctx.authn = &authn;
        ctx.broker = &b;
        ctx.watches.resize(1);
        ctx.denied = std::make_shared<obs::auth_denials>(reg, "http");
        ctx.presence = &hub;
    }

    /// Runs the stream until it ends; true when it ended by an exception.
    bool stream(const std::string& target) {
        request_t req{bhttp::verb::get, target, 11};
        auto f = asio::co_spawn(io, serve_sse(ctx, req, stream_peer{peer, nullptr}, 0), asio::use_future);
        for (int i = 0; i < 1000 && f.wait_for(0s) != std::future_status::ready; ++i) {
            io.restart();
            io.poll();
            d.drain();
        }
        EXPECT_EQ(f.wait_for(0s), std::future_status::ready) << "the stream did not end";
        try {
            f.get();
        } catch (const std::runtime_error&) {
            return true;
        }
        return false;
    }
};

TEST_F(sse_presence, a_stream_that_throws_still_ends_its_membership) {
    EXPECT_TRUE(stream("/v1/stream?channel=room&client_id=ann"));
    EXPECT_EQ(hub.joins, std::vector<std::string>{"room/ann"});
    EXPECT_EQ(hub.ends, 1) << "the member was left in the channel";
    EXPECT_EQ(hub.last_why, presence::leave_reason::lost); // SSE ends are lost, as always
}

TEST_F(sse_presence, a_stream_that_outlives_the_service_does_not_call_it) {
    hub.flag->store(true); // stopped (node shutdown) before the stream unwinds
    EXPECT_TRUE(stream("/v1/stream?channel=room&client_id=ann"));
    EXPECT_EQ(hub.ends, 0);
}

} // namespace
} // namespace runnel::gateway::http
