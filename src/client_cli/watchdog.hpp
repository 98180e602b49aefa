#pragma once
/// Deadlines for the client's waits: a timer that cuts the connection, so the pending I/O
/// fails and the caller reports a timeout; and the completion token of those waits.
/// Affinity: the io_context of its executor; not thread-safe.
#include "runnel/net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace runnel::client_cli {

/// The completion token of the client's waits: errors come back as values (no exceptions).
inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// Cuts a connection (closes its transport or socket) when armed too long; the I/O in progress
/// then fails and the caller asks expired() to tell a timeout from a network error. Handlers
/// hold only a shared state that the destructor disconnects, so the watchdog may go away before
/// its timer's handler runs.
class watchdog {
public:
    watchdog(boost::asio::any_io_executor ex, std::function<void()> cut);
    watchdog(boost::asio::any_io_executor ex, net::transport& t)
        : watchdog(std::move(ex), [&t] { t.close(); }) {}
    ~watchdog();
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

    void arm(std::chrono::milliseconds after);
    void disarm();
    bool expired() const noexcept { return state_->expired; }
    std::chrono::milliseconds armed_for() const noexcept { return armed_for_; }

private:
    struct state {
        std::function<void()> cut; // empty once the watchdog is gone
        bool expired = false;
        std::uint64_t generation = 0; // a timer that fired after disarm() finds a newer one
    };
    std::shared_ptr<state> state_;
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds armed_for_{0};
};

/// "1.5s", "10s", "250ms": durations in messages.
std::string describe(std::chrono::milliseconds d);

} // namespace runnel::client_cli
