// GET /v1/subscribe: answer as soon as there is a message after the cursor, or at the timeout.
#include "streams.hpp"

#include "authorize.hpp"
#include "channel_watch.hpp"
#include "cursor_query.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/field.hpp>

#include <utility>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

response poll_reply(const request_t& req, const broker::read_result& r, bool had_cursor, bool complete,
                    const std::string& reason) {
    std::string body = "{\"messages\":[";
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
        if (i > 0) body += ',';
        codec::json::append_message_json(body, *r.messages[i], false);
    }
    body += "],\"cursor\":\"" + core::tt_string(r.cursor) + '"';
    if (had_cursor) {
        body += complete ? ",\"recovered\":true" : ",\"recovered\":false,\"reason\":";
        if (!complete) codec::json::append_json_string(body, reason);
    }
    body += '}';
    auto res = json_ok(req, std::move(body));
    res.set(bhttp::field::cache_control, "no-store");
    return res;
}

// Between polls, a member is one polled connection: a stable id outside the range
// new_connection() hands out, taken over at the end of each poll. Marked as an HTTP one.
presence::conn_id poll_connection(const std::string& member) {
    constexpr auto low = presence::http_connections - 1;
    return (presence::conn_id{1} << 63) | presence::http_connections | (std::hash<std::string>{}(member) & low);
}

/// The poller is a member of the channels it polls (exact ones unless `presence=0`, wildcard
/// filters with `presence=1`: presence::presence_enabled) for the whole poll: each poll holds
/// its own `held` connection while it waits (no timeout, however long the wait), and its end
/// hands over to the member's one polled connection (presence::hub::handoff). So the member
/// stays held while ANY of its polls waits, and presence.timeout counts from the end of the
/// last one; a member that left (`POST /v1/leave`) during a poll is not brought back by its end.
/// The end runs on every way out of the poll (answer, throw, frame destroyed), but never calls
/// the hub once the presence service has stopped: a frame destroyed at shutdown outlives the
/// service (and the http_context), so only the hub pointer and its shared stop flag are kept.
class poll_presence {
public:
    poll_presence(presence::hub* hub, const std::vector<std::string>& filters, std::optional<bool> opt_in,
                  std::string member)
        : member_(std::move(member)) {
        if (!hub || member_.empty()) return;
        for (const auto& f : filters) {
            if (hub->enabled(f, opt_in)) channels_.push_back(f);
        }
        if (channels_.empty()) return;
        hub_ = hub;
        stopped_ = hub->stopped_flag();
        conn_ = hub->new_connection() | presence::http_connections;
        for (const auto& c : channels_) hub_->join(c, member_, conn_);
    }
    poll_presence(const poll_presence&) = delete;
    poll_presence& operator=(const poll_presence&) = delete;
    ~poll_presence() { end(); }

    /// The poll answers: the presence.timeout clock starts now (idempotent).
    void end() {
        auto* hub = std::exchange(hub_, nullptr);
        if (!hub || stopped_->load(std::memory_order_acquire)) return;
        for (const auto& c : channels_) hub->handoff(c, member_, conn_, poll_connection(member_));
    }

private:
    presence::hub* hub_ = nullptr; // null: not a member, or ended
    presence::hub::stop_flag stopped_;
    std::vector<std::string> channels_;
    std::string member_;
    presence::conn_id conn_ = 0;
};

} // namespace

response too_many_streams(bool keep_alive) {
    auto res = json_error(429, "too many long-polls and streams waiting (http.max_streams)", keep_alive);
    res.set(bhttp::field::retry_after, "1");
    return res;
}

std::variant<auth::identity, response> check_stream_request(http_context& ctx, const request_t& req, const net::transport& peer) {
    auto ka = req.keep_alive();
    if (req.method() != bhttp::verb::get) {
        auto res = json_error(405, "use GET", ka);
        res.set(bhttp::field::allow, "GET");
        return res;
    }
    if (!origin_allowed(ctx, req)) return json_error(403, "origin not allowed (http.cors_origins)", ka);
    if (!ctx.ready()) return json_error(503, "server is shutting down", false);
    auto who = identify(*ctx.authn, req, peer.loopback(), std::chrono::system_clock::now(), peer.peer_identity());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        return denial_response(*d, ka);
    }
    return std::move(std::get<auth::identity>(who));
}

std::optional<response> stream_grants(http_context& ctx, const request_t& req, const auth::identity& who,
                                      const std::vector<std::string>& filters) {
    auto d = authorize(who, auth::action::subscribe, filters);
    if (!d) return std::nullopt;
    ctx.denied->count(d->action);
    return denial_response(*d, req.keep_alive());
}

std::optional<std::string> token_ended(const channel_watch* watch,
                                       std::chrono::steady_clock::time_point expiry) {
    std::optional<std::string> why;
    if (watch && watch->cut_reason()) why = *watch->cut_reason();
    else if (std::chrono::steady_clock::now() >= expiry) why = "token expired";
    return why;
}

asio::awaitable<response> handle_long_poll(http_context& ctx, const request_t& req, std::size_t worker, stream_peer peer) {
    auto checked = check_stream_request(ctx, req, peer.t);
    if (auto* refusal = std::get_if<response>(&checked)) co_return std::move(*refusal);
    auto who = std::move(std::get<auth::identity>(checked));
    auto parsed = read_cursor_query(req, ctx.topics, ctx.guard);
    if (auto* refusal = std::get_if<response>(&parsed)) co_return std::move(*refusal);
    auto q = std::move(std::get<cursor_query>(parsed));
    if (auto refusal = stream_grants(ctx, req, who, q.filters)) co_return std::move(*refusal);
    std::shared_ptr<channel_watch> watch;
    if (q.timeout.count() > 0) {
        watch = std::make_shared<channel_watch>(ctx, worker, co_await asio::this_coro::executor);
        // Refused before it makes a member: a poll the node did not take is no visit.
        if (!watch->reserve()) co_return too_many_streams(req.keep_alive());
    }
    // Presence: a poller named by its token's subject or `client_id` is present in the exact
    // channels it polls (wildcard filters with `presence=1`) while it keeps polling (held
    // during a poll, presence.timeout after it).
    poll_presence present(ctx.presence, q.filters, q.presence,
                          ctx.presence ? ctx.presence->member(who, q.client_id) : std::string());
    bool had_cursor = q.cursor.has_value();
    auto since = q.cursor.value_or(ctx.broker->now_tt());
    auto deadline = channel_watch::clock::now() + q.timeout;
    // The poll waits no longer than its token lives; a token that ends meanwhile answers 401.
    auto expiry = steady_expiry(who);

    if (watch) {
        // Before open() registers it: a revocation from here on finds the identity.
        watch->set_identity(std::move(who));
        co_await watch->open(q.filters);
        watch->watch_peer(peer.t, std::move(peer.keep));
    }
    bool complete = true;
    std::string reason;
    for (;;) {
        if (auto ended = token_ended(watch.get(), expiry)) {
            if (watch) watch->close();
            present.end();
            ctx.denied->count("connect");
            co_return denial_response(denial{401, std::move(*ended)}, req.keep_alive());
        }
        if (watch) watch->take_wake();
        auto r = co_await read_buffered(ctx, q.filters, since, q.limit);
        if (!r.complete && complete) {
            complete = false;
            reason = r.reason;
        }
        since = r.cursor;
        if (watch && watch->cut_reason()) continue; // answered 401 at the top
        bool done = !r.messages.empty() || !complete || !watch || watch->stopped() ||
                    channel_watch::clock::now() >= deadline;
        if (done) {
            present.end(); // the presence.timeout runs from the end of the poll
            auto res = poll_reply(req, r, had_cursor, complete, reason);
            if (watch) {
                watch->close();
                if (watch->shutting_down()) res.keep_alive(false); // let the node finish
            }
            co_return res;
        }
        co_await watch->wait(std::min(deadline, expiry));
    }
}

} // namespace runnel::gateway::http
