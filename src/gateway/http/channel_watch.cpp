#include "channel_watch.hpp"

#include "await_callback.hpp"

#include "runnel/broker/client_id.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;

channel_watch::channel_watch(http_context& ctx, std::size_t worker, asio::any_io_executor ex)
    : ctx_(ctx), worker_(worker), timer_(std::move(ex)) {}

// Not close(): a frame destroyed while the node is torn down must not touch the broker. Every
// request path calls close() itself.
channel_watch::~channel_watch() = default;

bool channel_watch::reserve() {
    if (ctx_.streams->fetch_add(1) >= ctx_.opts.max_streams) {
        ctx_.streams->fetch_sub(1);
        if (ctx_.guard) ctx_.guard->hit(limits::limit::streams);
        return false;
    }
    reserved_ = true;
    return true;
}

asio::awaitable<bool> channel_watch::open(std::vector<std::string> filters) {
    auto self = shared_from_this();
    ctx_.watches.at(worker_).insert(this);
    tracked_ = true;
    auto w = static_cast<broker::worker_id>(worker_);
    auto* s = co_await await_callback<broker::session*>([&](auto cb) {
        ctx_.broker->open_session(w, broker::assign_client_id(), true, [cb](broker::session* s, bool) { cb(s); });
    });
    session_ = s;
    s->set_expiry(std::chrono::seconds(0));
    s->attach(this, 65535);
    if (stopped_) co_return false;
    std::vector<broker::sub_request> reqs;
    for (auto& f : filters) reqs.push_back({std::move(f), broker::sub_options{}, 2}); // QoS 0, no retained
    co_await await_callback<std::vector<broker::sub_outcome>>([&](auto cb) { ctx_.broker->subscribe(s, std::move(reqs), cb); });
    co_return !stopped_ && session_ != nullptr;
}

asio::awaitable<void> channel_watch::wait(clock::time_point until) {
    auto self = shared_from_this();
    // stopped(), not stopped_: a peer that left while the request was busy elsewhere (reading
    // the buffers) cancelled no timer, and waiting now would sleep until the heartbeat.
    if (woken_ || stopped()) co_return;
    timer_.expires_at(until);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

bool channel_watch::deliver(const broker::delivery&) {
    woken_ = true;
    timer_.cancel();
    return true;
}

void channel_watch::kick(errc) {
    session_ = nullptr;
    stopped_ = true;
    timer_.cancel();
}

namespace {

asio::awaitable<void> wait_peer(std::shared_ptr<void> keep, net::transport& t, std::shared_ptr<channel_watch> w) {
    co_await t.wait_readable();
    w->shutdown_peer();
}

} // namespace

void channel_watch::watch_peer(net::transport& t, std::shared_ptr<void> keep) {
    if (!t.idle()) return; // TLS cannot tell without reading; heartbeats and deadlines cover it
    asio::co_spawn(timer_.get_executor(), wait_peer(std::move(keep), t, shared_from_this()), asio::detached);
}

void channel_watch::shutdown_peer() {
    peer_left_ = true;
    timer_.cancel();
}

void channel_watch::shutdown() {
    stopped_ = true;
    timer_.cancel();
}

void channel_watch::cut(std::string reason) {
    if (!cut_) cut_ = std::move(reason);
    stopped_ = true;
    timer_.cancel();
}

void channel_watch::close() {
    if (std::exchange(reserved_, false)) ctx_.streams->fetch_sub(1);
    if (tracked_) {
        ctx_.watches.at(worker_).erase(this);
        tracked_ = false;
    }
    if (auto* s = std::exchange(session_, nullptr)) ctx_.broker->connection_lost(s, false);
}

void shutdown_watches(http_context& ctx, std::size_t worker) {
    // Copy: a woken request may end and leave the set.
    auto live = std::vector<channel_watch*>(ctx.watches.at(worker).begin(), ctx.watches.at(worker).end());
    for (auto* w : live) w->shutdown();
}

asio::awaitable<broker::read_result> read_buffered(http_context& ctx, std::vector<std::string> filters,
                                                   std::uint64_t since, std::size_t limit) {
    co_return co_await await_callback<broker::read_result>(
        [&](auto cb) { ctx.broker->read(std::move(filters), since, limit, max_read_bytes, cb); });
}

} // namespace runnel::gateway::http
