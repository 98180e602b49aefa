#pragma once
// broker::dispatcher over net::runtime: posts and timers on the worker threads.
#include "runnel/broker/dispatcher.hpp"
#include "runnel/net/runtime.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace runnel::server {

class runtime_dispatcher final : public broker::dispatcher {
public:
    explicit runtime_dispatcher(net::runtime& rt) : rt_(rt) {}
    std::size_t workers() const override { return rt_.size(); }
    void post(broker::worker_id w, std::function<void()> fn) override { rt_.post(w, std::move(fn)); }
    void post_after(broker::worker_id w, std::chrono::milliseconds after, std::function<void()> fn) override {
        auto t = std::make_shared<boost::asio::steady_timer>(rt_.context(w), after);
        t->async_wait([t, fn = std::move(fn)](const boost::system::error_code& ec) {
            if (!ec) fn();
        });
    }
    broker::worker_id current() const override {
        auto c = net::runtime::current();
        return c == net::runtime::no_worker ? static_cast<broker::worker_id>(rt_.size()) : static_cast<broker::worker_id>(c);
    }

private:
    net::runtime& rt_;
};

} // namespace runnel::server
