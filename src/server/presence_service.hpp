#pragma once
// The node's presence service: the single writer of presence::registry. It runs on worker 0's
// io_context (one thread, so calls posted from one worker keep their order), arms one timer
// for the registry's next deadline, and publishes every event as an ephemeral message on
// `$presence/{channel}` (retention_rules keeps `$presence` out of the log; never retained).
#include "runnel/broker/broker.hpp"
#include "runnel/core/cursor.hpp"
#include "runnel/obs/metrics.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>

namespace runnel::server {

class presence_service final : public presence::hub {
public:
    /// Runs `fn` on worker `w` (the node's runtime post).
    using post_fn = std::function<void(std::size_t w, std::function<void()> fn)>;

    presence_service(presence::options o, boost::asio::io_context& ctx, broker::broker& b, post_fn post,
                     obs::registry& metrics);
    ~presence_service() override;
    /// Ends the timer; later membership calls are dropped and later queries answered at once
    /// with empty results (set_state: errc::shutting_down), so no caller waits for an answer
    /// that would never come. On the service's context.
    void stop();
    stop_flag stopped_flag() const override { return stopped_; }

    presence::conn_id new_connection() override { return next_conn_.fetch_add(1, std::memory_order_relaxed); }
    void join(std::string channel, std::string member, presence::conn_id conn) override;
    void leave(std::string channel, std::string member, presence::conn_id conn, presence::leave_reason why) override;
    void handoff(std::string channel, std::string member, presence::conn_id from, presence::conn_id to) override;
    void leave_matching(std::string channel, std::string member, presence::conn_id mask, std::size_t worker,
                        std::function<void(bool)> done) override;
    void disconnect(std::string member, presence::conn_id conn, presence::leave_reason why) override;
    void set_state(std::string channel, std::string member, std::string json, std::size_t worker,
                   std::function<void(errc)> done) override;
    void get_state(std::string channel, std::string member, std::size_t worker,
                   std::function<void(std::optional<std::string>)> done) override;
    void here_now(std::string channel, std::size_t worker, std::function<void(presence::here_now_result)> done) override;
    void where_now(std::string member, std::size_t worker, std::function<void(std::vector<std::string>)> done) override;

    /// The `$presence/{channel}` payload of one event (DESIGN.md, docs/protocol.md).
    static std::string encode(const presence::event& e, std::uint64_t tt);

private:
    /// Posts fn to the writer; once stopped, runs `dropped` instead (a query's empty answer).
    void run(std::function<void()> fn, std::function<void()> dropped = {});
    void announce(std::vector<presence::event> events);
    void arm();

    presence::registry reg_;
    boost::asio::io_context& ctx_;
    boost::asio::steady_timer timer_;
    broker::broker& broker_;
    post_fn post_;
    core::timetoken_clock tt_;
    obs::gauge& channels_;
    obs::gauge& members_;
    std::atomic<presence::conn_id> next_conn_{1};
    std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
    std::optional<presence::time_point> armed_for_;
};

} // namespace runnel::server
