#pragma once
// The live half of long-poll and SSE: a short-lived broker session subscribed (QoS 0, no
// retained) to the request's filters, whose only job is to wake the request when a matching
// message is routed. The messages themselves are read from the channel buffers by cursor
// (broker::read), so nothing depends on what this session was sent.
//
// Affinity: one worker (the HTTP connection's). Ownership: shared_ptr held by the request
// coroutine; the broker holds a plain pointer only while attached, and close() detaches.
#include "runnel/auth/authenticator.hpp"
#include "runnel/broker/broker.hpp"
#include "runnel/broker/session_sink.hpp"
#include "runnel/gateway/http/server.hpp"
#include "runnel/net/transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runnel::gateway::http {

class channel_watch final : public broker::session_sink, public std::enable_shared_from_this<channel_watch> {
public:
    using clock = std::chrono::steady_clock;

    channel_watch(http_context& ctx, std::size_t worker, boost::asio::any_io_executor ex);
    ~channel_watch() override;

    /// Takes one of http.max_streams; false (and nothing to undo) when none is left.
    bool reserve();
    /// Opens the session and subscribes; false when the node stopped meanwhile.
    boost::asio::awaitable<bool> open(std::vector<std::string> filters);
    /// Returns once a matching message was routed since the last call, `until` passed, or the
    /// node is stopping.
    boost::asio::awaitable<void> wait(clock::time_point until);
    /// Consumes the pending wake-up, if any.
    bool take_wake() noexcept { return std::exchange(woken_, false); }
    /// True once the node is stopping or the client left: the request should finish.
    bool stopped() const noexcept { return stopped_ || peer_left_; }
    bool shutting_down() const noexcept { return stopped_; }
    /// Node shutdown: wake the request and make it finish.
    void shutdown();
    /// The identity the request acts as: a revocation that covers it cuts the request.
    void set_identity(auth::identity who) { who_ = std::move(who); }
    const auth::identity& identity() const noexcept { return who_; }
    /// Revocation: wake the request and make it finish with a 401 (long-poll) or an `error`
    /// event (SSE) saying `reason`.
    void cut(std::string reason);
    /// Why the request was cut, or nullptr.
    const std::string* cut_reason() const noexcept { return cut_ ? &*cut_ : nullptr; }
    /// On a transport that can tell (plain TCP), notices the client closing (or sending
    /// anything, which a long-poll answers early and SSE treats as leaving) while the request
    /// waits. `keep` owns the transport.
    void watch_peer(net::transport& t, std::shared_ptr<void> keep);
    void shutdown_peer();
    /// Ends the session (idempotent). Callers must call it: the destructor does not.
    void close();

    bool deliver(const broker::delivery&) override;
    void release(std::uint16_t) override {}
    void kick(errc) override;

private:
    http_context& ctx_;
    std::size_t worker_;
    boost::asio::steady_timer timer_;
    broker::session* session_ = nullptr;
    bool woken_ = false;
    bool stopped_ = false;
    bool peer_left_ = false;
    bool tracked_ = false;
    bool reserved_ = false;
    auth::identity who_;
    std::optional<std::string> cut_;
};

/// Payload bytes one long-poll reply or one SSE write carries at most (beyond one message).
constexpr std::size_t max_read_bytes = 4 << 20;

/// broker::read as an awaitable (by value: a coroutine's arguments must outlive its caller).
boost::asio::awaitable<broker::read_result> read_buffered(http_context& ctx, std::vector<std::string> filters,
                                                          std::uint64_t since, std::size_t limit);

} // namespace runnel::gateway::http
