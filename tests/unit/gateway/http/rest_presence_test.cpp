// REST presence queries while the node shuts down: the stopped presence service answers with
// empty results, which the handler must turn into 503, not "nobody here" (or a 404 state).
#include "rest_presence.hpp"
#include "test_peer.hpp"

#include "runnel/obs/auth_denials.hpp"
#include "runnel/obs/metrics.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace runnel::gateway::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

/// A hub that answers every query at once, like the node's service does once it has stopped
/// (or, with stopped = false, like a running service with nobody present).
class answering_hub final : public presence::hub {
public:
    explicit answering_hub(bool stopped) : flag_(std::make_shared<std::atomic<bool>>(stopped)) {}
    stop_flag stopped_flag() const override { return flag_; }
    presence::conn_id new_connection() override { return 1; }
    void join(std::string, std::string, presence::conn_id) override {}
    void leave(std::string, std::string, presence::conn_id, presence::leave_reason) override {}
    void handoff(std::string, std::string, presence::conn_id, presence::conn_id) override {}
    void leave_matching(std::string, std::string, presence::conn_id, std::size_t,
                        std::function<void(bool)> done) override {
        done(!flag_->load());
    }
    void disconnect(std::string, presence::conn_id, presence::leave_reason) override {}
    void set_state(std::string, std::string, std::string, std::size_t, std::function<void(errc)> done) override {
        done(flag_->load() ? errc::shutting_down : errc::not_found);
    }
    void get_state(std::string, std::string, std::size_t, std::function<void(std::optional<std::string>)> done) override {
        done(std::nullopt);
    }
    void here_now(std::string, std::size_t, std::function<void(presence::here_now_result)> done) override { done({}); }
    void where_now(std::string, std::size_t, std::function<void(std::vector<std::string>)> done) override { done({}); }

private:
    std::shared_ptr<std::atomic<bool>> flag_;
};

struct rest_presence : ::testing::Test {
    asio::io_context io;
    obs::registry reg;
    auth::static_authenticator authn{auth::static_options{}};
    http_context ctx;
    test_peer peer{io};
    std::optional<answering_hub> hub;

    void serve(bool stopped) {
        hub.emplace(stopped);
        ctx.ready = [] { return true; }; // the listener still takes requests: the race at stop
        ctx.authn = &authn;
        ctx.denied = std::make_shared<obs::auth_denials>(reg, "http");
        ctx.presence = &*hub;
    }

    response ask(bhttp::verb method, std::string target, std::string body = {}) {
        request_t req{method, target, 11};
        req.body() = std::move(body);
        req.prepare_payload();
        auto f = asio::co_spawn(io, handle_presence_rest(ctx, req, peer, 0), asio::use_future);
        io.restart();
        io.run();
        return f.get();
    }
};

TEST_F(rest_presence, queries_answered_by_a_stopped_service_are_503) {
    serve(true);
    for (auto [method, target] : {std::pair{bhttp::verb::get, "/v1/channels/room/presence"},
                                  std::pair{bhttp::verb::get, "/v1/clients/ann/channels"},
                                  std::pair{bhttp::verb::get, "/v1/channels/room/presence/state?client_id=ann"},
                                  std::pair{bhttp::verb::put, "/v1/channels/room/presence/state?client_id=ann"},
                                  std::pair{bhttp::verb::post, "/v1/channels/room/presence/leave?client_id=ann"}}) {
        auto res = ask(method, target, method == bhttp::verb::put ? "{}" : "");
        EXPECT_EQ(res.result_int(), 503u) << target;
        EXPECT_NE(res.body().find("shutting down"), std::string::npos) << res.body();
        EXPECT_FALSE(res.keep_alive()) << target;
    }
}

TEST_F(rest_presence, the_same_empty_answers_from_a_running_service_are_real) {
    serve(false);
    EXPECT_EQ(ask(bhttp::verb::get, "/v1/channels/room/presence").result_int(), 200u);
    EXPECT_EQ(ask(bhttp::verb::get, "/v1/clients/ann/channels").result_int(), 200u);
    EXPECT_EQ(ask(bhttp::verb::get, "/v1/channels/room/presence/state?client_id=ann").result_int(), 404u);
    EXPECT_EQ(ask(bhttp::verb::put, "/v1/channels/room/presence/state?client_id=ann", "{}").result_int(), 404u);
    EXPECT_EQ(ask(bhttp::verb::post, "/v1/channels/room/presence/leave?client_id=ann").result_int(), 200u);
}

TEST_F(rest_presence, a_leave_is_a_post_that_names_a_member_and_a_channel) {
    serve(false);
    auto res = ask(bhttp::verb::get, "/v1/channels/room/presence/leave?client_id=ann");
    EXPECT_EQ(res.result_int(), 405u);
    EXPECT_EQ(res[bhttp::field::allow], "POST");
    EXPECT_EQ(ask(bhttp::verb::post, "/v1/channels/room/presence/leave").result_int(), 400u); // no member
    EXPECT_EQ(ask(bhttp::verb::post, "/v1/channels/a%2F%23%2Fb/presence/leave?client_id=ann").result_int(), 422u);
    EXPECT_EQ(ask(bhttp::verb::post, "/v1/channels/a%2F%2B/presence/leave?client_id=ann").result_int(), 200u);
}

} // namespace
} // namespace runnel::gateway::http
