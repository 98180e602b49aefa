#include "watchdog.hpp"

namespace runnel::client_cli {
namespace asio = boost::asio;

watchdog::watchdog(asio::any_io_executor ex, std::function<void()> cut)
    : state_(std::make_shared<state>(state{std::move(cut), false})), timer_(std::move(ex)) {}

watchdog::~watchdog() { state_->cut = nullptr; }

void watchdog::arm(std::chrono::milliseconds after) {
    armed_for_ = after;
    timer_.expires_after(after);
    timer_.async_wait([s = state_, gen = ++state_->generation](const boost::system::error_code& ec) {
        if (ec || !s->cut || gen != s->generation) return;
        s->expired = true;
        s->cut();
    });
}

void watchdog::disarm() {
    ++state_->generation;
    timer_.cancel();
}

std::string describe(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    if (ms > 1000) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
    return std::to_string(ms) + "ms";
}

} // namespace runnel::client_cli
