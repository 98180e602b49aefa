#include "sys_publisher.hpp"

#include "runnel/server/version.hpp"

namespace runnel::server {

sys_publisher::sys_publisher(boost::asio::io_context& ctx, broker::broker& b, const gateway::mqtt::stats& mqtt,
                             std::chrono::seconds interval)
    : timer_(ctx), broker_(b), mqtt_(mqtt), interval_(interval) {}

void sys_publisher::start() {
    put("$SYS/broker/version", std::string("runnel ") + version());
    publish_all();
    arm();
}

void sys_publisher::stop() {
    stopped_ = true;
    timer_.cancel();
}

void sys_publisher::arm() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        publish_all();
        arm();
    });
}

void sys_publisher::put(const std::string& topic, const std::string& value) {
    core::message m;
    m.topic = topic;
    m.payload = value;
    m.retain = true;
    broker_.publish(std::move(m));
}

void sys_publisher::publish_all() {
    auto& s = broker_.stats();
    auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
    auto n = [](auto v) { return std::to_string(v); };
    put("$SYS/broker/uptime", n(up.count()) + " seconds");
    put("$SYS/broker/clients/connected", n(mqtt_.connections.value()));
    put("$SYS/broker/clients/total", n(s.sessions.value()));
    put("$SYS/broker/messages/received", n(mqtt_.messages_in.value()));
    put("$SYS/broker/messages/sent", n(mqtt_.messages_out.value()));
    put("$SYS/broker/publish/messages/received", n(s.routed.value()));
    put("$SYS/broker/bytes/received", n(mqtt_.bytes_in.value()));
    put("$SYS/broker/bytes/sent", n(mqtt_.bytes_out.value()));
    put("$SYS/broker/subscriptions/count", n(s.subscriptions.value()));
    put("$SYS/broker/retained messages/count", n(s.retained.value()));
    put("$SYS/broker/store/messages/count", n(s.queued.value() + s.inflight.value()));
}

} // namespace runnel::server
