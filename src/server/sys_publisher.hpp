#pragma once
// Publishes `$SYS/broker/...` statistics as retained messages every interval (Mosquitto's
// topic names, so existing dashboards work).
#include "runnel/broker/broker.hpp"
#include "runnel/gateway/mqtt/context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace runnel::server {

class sys_publisher {
public:
    sys_publisher(boost::asio::io_context& ctx, broker::broker& b, const gateway::mqtt::stats& mqtt,
                  std::chrono::seconds interval);
    void start();
    void stop();
    /// Publishes one round now (also used by tests).
    void publish_all();

private:
    void arm();
    void put(const std::string& topic, const std::string& value);
    boost::asio::steady_timer timer_;
    broker::broker& broker_;
    const gateway::mqtt::stats& mqtt_;
    std::chrono::seconds interval_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    bool stopped_ = false;
};

} // namespace runnel::server
