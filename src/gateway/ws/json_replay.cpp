// Resuming a JSON subscription: `subscribe` with `since` replays what the channel (or filter)
// has after the position, then switches to live with no gap and no duplicate.
//
// The broker answers the subscribe with a horizon: every message stamped after it reaches this
// session live, every one at or below it was routed before the subscription existed. So the
// replay reads the log/buffer up to the horizon (paging until every shard has passed it),
// while live pushes wait in `held_`; then the held pushes above the horizon go out. A live push
// at or below a replayed horizon is a duplicate and is skipped.
#include "runnel/gateway/ws/json_session.hpp"

#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/reply.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/obs/log.hpp"

#include <charconv>

namespace runnel::gateway::ws {
namespace json = runnel::codec::json;

namespace {

constexpr std::size_t page_messages = 500;
constexpr std::size_t page_bytes = 1u << 20;
/// Live pushes held during a replay; past this the client is too far behind to resume here.
constexpr std::size_t max_held = 10000;

std::optional<std::uint64_t> parse_epoch(const std::string& s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

} // namespace

struct json_session::replay {
    std::string id;
    std::string filter;
    std::uint64_t horizon = 0;
    std::size_t sent = 0;
    bool recovered = true;
    std::string reason;
    unsigned idle_rounds = 0;

    void gap(std::string why) {
        if (!recovered) return;
        recovered = false;
        reason = std::move(why);
    }
};

void json_session::start_replay(const std::string& id, const std::string& filter, const json::position& since,
                                std::uint64_t horizon, std::vector<core::message_ptr> /*retained*/) {
    // Retained messages are not sent on a resume: the replay already has the channel's history.
    auto r = std::make_shared<replay>(replay{id, filter, horizon, 0, true, {}, 0});
    if (core::parse_shared(filter)) {
        r->gap("a shared subscription does not resume: its messages went to the group");
        return finish_replay(r);
    }
    if (const auto* t = std::get_if<json::time_position>(&since)) return replay_from(r, t->tt);
    const auto& pos = std::get<json::offset_position>(since);
    if (core::has_wildcard(filter)) {
        r->gap("an offset position names one channel; resume a filter with {\"tt\": ...}");
        return finish_replay(r);
    }
    // An offset counts within one epoch: find the first message after it, then read by tt.
    broker::history_query q;
    q.channel = filter;
    q.after_offset = pos.offset;
    q.until_tt = horizon;
    q.limit = 1;
    auto self = shared_from_this();
    auto want_epoch = parse_epoch(pos.epoch);
    ctx_.broker.history(std::move(q), [self, r, want_epoch](broker::history_page page) {
        if (self->closing_) return;
        if (page.error) {
            r->gap(page.reason);
            return self->finish_replay(r);
        }
        if (page.epoch != 0 && want_epoch != page.epoch) {
            r->gap("epoch changed: the channel's log started over (now " + core::epoch_string(page.epoch) + ")");
            return self->finish_replay(r);
        }
        if (!page.complete) r->gap(page.reason);
        if (page.messages.empty()) return self->finish_replay(r); // nothing after the offset
        self->replay_from(r, page.messages.front()->cur.tt - 1);
    });
}

void json_session::replay_from(std::shared_ptr<replay> r, std::uint64_t cursor) {
    if (closing_) return;
    if (cursor >= r->horizon) return finish_replay(r);
    // Keep the queue short: a long replay goes out at the client's pace.
    if (out_.bytes() > ctx_.queue.high || r->idle_rounds > 0) {
        replay_wait_.expires_after(std::chrono::milliseconds(r->idle_rounds > 0 ? 1 : 5));
        r->idle_rounds = 0;
        auto self = shared_from_this();
        replay_wait_.async_wait([self, r, cursor](boost::system::error_code ec) {
            if (!ec) self->replay_from(r, cursor);
        });
        return;
    }
    auto self = shared_from_this();
    ctx_.broker.read({r->filter}, cursor, page_messages, page_bytes, [self, r, cursor](broker::read_result got) {
        if (self->closing_) return;
        if (!got.complete) r->gap(got.reason);
        bool past = false;
        for (const auto& m : got.messages) {
            if (m->cur.tt > r->horizon) { // from here on it arrives live
                past = true;
                break;
            }
            self->send(json::encode_message_push(*m, false));
            ++r->sent;
        }
        if (past || got.cursor >= r->horizon) return self->finish_replay(r);
        // No progress: a shard has not written up to the horizon yet; look again shortly.
        if (got.messages.empty() && got.cursor <= cursor) r->idle_rounds = 1;
        self->replay_from(r, std::max(cursor, got.cursor));
    });
}

void json_session::finish_replay(const std::shared_ptr<replay>& r) {
    replayed_.emplace_back(r->filter, r->horizon);
    json::reply_ok ok(r->id);
    ok.field("recovered", r->recovered).field("replayed", r->sent);
    if (!r->recovered) ok.field("reason", r->reason);
    send(std::move(ok).str());
    if (--replaying_ > 0) return;
    auto held = std::move(held_);
    held_.clear();
    for (const auto& d : held) deliver(d);
}

bool json_session::hold(const broker::delivery& d) {
    if (held_.size() >= max_held) {
        RUNNEL_LOG_DEBUG(obs::http_log(), "cid={} too many live pushes during a resume, closing", client_id_);
        send(json::encode_error("", 503, "too many live messages while resuming; resume again from your last cursor"));
        close();
        return false;
    }
    held_.push_back(d);
    return true;
}

bool json_session::already_replayed(const core::message& m) const {
    for (const auto& [filter, horizon] : replayed_) {
        if (m.cur.tt <= horizon && core::filter_matches(filter, m.topic)) return true;
    }
    return false;
}

} // namespace runnel::gateway::ws
