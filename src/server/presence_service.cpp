#include "presence_service.hpp"

#include "runnel/codec/json/text.hpp"

#include <boost/asio/post.hpp>

namespace runnel::server {
namespace asio = boost::asio;
using namespace std::chrono;

namespace {

void quoted(std::string& out, std::string_view s) { codec::json::append_json_string(out, s); }

void name_list(std::string& out, const char* key, const std::vector<std::string>& names) {
    out += ",\"";
    out += key;
    out += "\":[";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += ',';
        quoted(out, names[i]);
    }
    out += ']';
}

} // namespace

presence_service::presence_service(presence::options o, asio::io_context& ctx, broker::broker& b, post_fn post,
                                   obs::registry& metrics)
    : hub(o), reg_(o), ctx_(ctx), timer_(ctx), broker_(b), post_(std::move(post)),
      channels_(metrics.make_gauge("runnel_presence_channels", "Channels with at least one present member")),
      members_(metrics.make_gauge("runnel_presence_members",
                                  "Present (channel, member) pairs, members in their grace included")) {}

// Callers that outlive the service (long-poll frames destroyed with the io_contexts) read the
// flag: set it even when the node never got to stop().
presence_service::~presence_service() { stopped_->store(true, std::memory_order_release); }

void presence_service::stop() {
    stopped_->store(true, std::memory_order_release);
    timer_.cancel();
}

void presence_service::run(std::function<void()> fn, std::function<void()> dropped) {
    auto stopped = [this] { return stopped_->load(std::memory_order_acquire); };
    if (stopped()) {
        if (dropped) dropped();
        return;
    }
    asio::post(ctx_, [this, stopped, fn = std::move(fn), dropped = std::move(dropped)] {
        if (!stopped()) fn();
        else if (dropped) dropped();
    });
}

void presence_service::join(std::string channel, std::string member, presence::conn_id conn) {
    run([this, channel = std::move(channel), member = std::move(member), conn] {
        announce(reg_.join(channel, member, conn, steady_clock::now()));
    });
}

void presence_service::leave(std::string channel, std::string member, presence::conn_id conn,
                             presence::leave_reason why) {
    run([this, channel = std::move(channel), member = std::move(member), conn, why] {
        announce(reg_.leave(channel, member, conn, steady_clock::now(), why));
    });
}

void presence_service::handoff(std::string channel, std::string member, presence::conn_id from,
                               presence::conn_id to) {
    run([this, channel = std::move(channel), member = std::move(member), from, to] {
        announce(reg_.handoff(channel, member, from, to, steady_clock::now()));
    });
}

void presence_service::leave_matching(std::string channel, std::string member, presence::conn_id mask,
                                      std::size_t worker, std::function<void(bool)> done) {
    run([this, channel = std::move(channel), member = std::move(member), mask, worker, done] {
        announce(reg_.leave_matching(channel, member, mask, steady_clock::now()));
        post_(worker, [done] { done(true); });
    }, [this, worker, done] { post_(worker, [done] { done(false); }); });
}

void presence_service::disconnect(std::string member, presence::conn_id conn, presence::leave_reason why) {
    run([this, member = std::move(member), conn, why] {
        announce(reg_.disconnect(member, conn, steady_clock::now(), why));
    });
}

void presence_service::set_state(std::string channel, std::string member, std::string json, std::size_t worker,
                                 std::function<void(errc)> done) {
    run([this, channel = std::move(channel), member = std::move(member), json = std::move(json), worker,
         done]() mutable {
        auto r = reg_.set_state(channel, member, json, steady_clock::now());
        errc ec = errc::ok;
        if (r) announce(std::move(*r));
        else ec = static_cast<errc>(r.error().value());
        post_(worker, [done = std::move(done), ec] { done(ec); });
    }, [this, worker, done] { post_(worker, [done] { done(errc::shutting_down); }); });
}

void presence_service::get_state(std::string channel, std::string member, std::size_t worker,
                                 std::function<void(std::optional<std::string>)> done) {
    run([this, channel = std::move(channel), member = std::move(member), worker, done]() mutable {
        post_(worker, [done = std::move(done), s = reg_.get_state(channel, member)]() mutable { done(std::move(s)); });
    }, [this, worker, done] { post_(worker, [done] { done(std::nullopt); }); });
}

void presence_service::here_now(std::string channel, std::size_t worker,
                                std::function<void(presence::here_now_result)> done) {
    run([this, channel = std::move(channel), worker, done]() mutable {
        post_(worker, [done = std::move(done), r = reg_.here_now(channel)]() mutable { done(std::move(r)); });
    }, [this, worker, done] { post_(worker, [done] { done(presence::here_now_result{}); }); });
}

void presence_service::where_now(std::string member, std::size_t worker,
                                 std::function<void(std::vector<std::string>)> done) {
    run([this, member = std::move(member), worker, done]() mutable {
        post_(worker, [done = std::move(done), r = reg_.where_now(member)]() mutable { done(std::move(r)); });
    }, [this, worker, done] { post_(worker, [done] { done({}); }); });
}

std::string presence_service::encode(const presence::event& e, std::uint64_t tt) {
    std::string out = R"({"op":"presence","channel":)";
    quoted(out, e.channel);
    out += R"(,"action":")";
    out += presence::to_string(e.what);
    out += '"';
    if (e.what != presence::action::interval) {
        out += R"(,"client":)";
        quoted(out, e.member);
        out += R"(,"state":)";
        out += e.state.empty() ? "{}" : e.state; // compact JSON object text from the registry
    }
    out += R"(,"occupancy":)";
    out += std::to_string(e.occupancy);
    if (e.what == presence::action::interval) {
        if (e.refresh) {
            out += R"(,"refresh":true)";
        } else {
            name_list(out, "joined", e.joined);
            name_list(out, "left", e.left);
            name_list(out, "timeouts", e.timed_out);
        }
    }
    out += R"(,"tt":")";
    out += core::tt_string(tt);
    out += "\"}";
    return out;
}

void presence_service::announce(std::vector<presence::event> events) {
    for (const auto& e : events) {
        core::message m;
        m.topic = presence::events_channel(e.channel);
        m.payload = encode(e, tt_.next());
        m.payload_format = 1;
        m.content_type = "application/json";
        broker_.publish(std::move(m));
    }
    auto s = reg_.stats();
    channels_.set(static_cast<std::int64_t>(s.channels));
    members_.set(static_cast<std::int64_t>(s.members));
    arm();
}

void presence_service::arm() {
    auto next = reg_.next_deadline();
    if (next == armed_for_) return;
    armed_for_ = next;
    if (!next) {
        timer_.cancel();
        return;
    }
    timer_.expires_at(*next);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_->load(std::memory_order_acquire)) return;
        armed_for_.reset();
        announce(reg_.advance(steady_clock::now()));
    });
}

} // namespace runnel::server
