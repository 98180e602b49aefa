// JSON-protocol WebSocket connection: lifecycle, request dispatch, pushes.
#include "runnel/broker/client_id.hpp"
#include "runnel/gateway/ws/json_session.hpp"

#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/reply.hpp"
#include "runnel/gateway/http/history_request.hpp"
#include "runnel/obs/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>


namespace runnel::gateway::ws {
namespace asio = boost::asio;
namespace json = runnel::codec::json;


json_stats::json_stats(obs::registry& r)
    : connections(r.make_gauge("runnel_connections", "Connected clients", R"(protocol="ws_json")")),
      connections_total(r.make_counter("runnel_connections_total", "Clients connected since start", R"(protocol="ws_json")")),
      requests(r.make_counter("runnel_packets_received_total", "Packets received", R"(protocol="ws_json")")),
      request_errors(r.make_counter("runnel_protocol_errors_total", "Requests refused as malformed or invalid", R"(protocol="ws_json")")),
      messages_out(r.make_counter("runnel_messages_sent_total", "Messages sent to clients", R"(protocol="ws_json")")),
      dropped(r.make_counter("runnel_messages_dropped_total", "Messages dropped, by reason", R"(reason="ws_json_not_writable")")) {}

json_session::json_session(json_context& ctx, std::unique_ptr<http::ws_transport> t, broker::worker_id w,
                           std::shared_ptr<void> slot, std::optional<std::string> token)
    : ctx_(ctx), t_(std::move(t)), worker_(w), slot_(std::move(slot)), out_(t_->executor(), ctx.queue),
      session_ready_(t_->executor()), replay_wait_(t_->executor()),
      publish_bucket_(ctx.guard.publish_bucket(std::chrono::steady_clock::now())), upgrade_token_(std::move(token)),
      expiry_(t_->executor()) {}

json_session::~json_session() = default;

void json_session::start(std::shared_ptr<json_session> self) {
    self->ctx_.live[self->worker_].insert(self.get());
    self->tracked_ = true;
    self->ctx_.counters.connections.add(1);
    self->ctx_.counters.connections_total.inc();
    auto ex = self->t_->executor();
    asio::co_spawn(ex, [self]() -> asio::awaitable<void> { co_await self->write_loop(); }, asio::detached);
    // Checked again now that the session is in `live`: a revocation since the upgrade either
    // is in the list already or will find the session there.
    if (auto token = std::exchange(self->upgrade_token_, std::nullopt)) self->accept_token(std::nullopt, std::move(*token));
    asio::co_spawn(ex, [self]() -> asio::awaitable<void> { co_await self->run(); }, asio::detached);
}

asio::awaitable<void> json_session::write_loop() {
    auto self = shared_from_this();
    // Every push and reply is its own WebSocket message; up to 64 of them leave in one write.
    auto ec = co_await out_.drain(*t_, 64);
    if (!ec) co_await t_->shutdown();
    t_->close();
}

asio::awaitable<void> json_session::run() {
    auto self = shared_from_this();
    std::string frame;
    while (!closing_) {
        bool binary = false;
        auto r = co_await t_->read_message(frame, binary);
        if (r.ec) { // closed, reset, or over http.max_frame (1009 sent by Beast)
            // Only the client's own close frame is a goodbye: one that answers ours (closing_
            // already set) ends a session the server ended.
            clean_close_ = r.ec == boost::beast::websocket::error::closed && !closing_;
            break;
        }
        ctx_.counters.requests.inc();
        if (binary) {
            ctx_.counters.request_errors.inc();
            send(json::encode_error(std::nullopt, 400, "binary frames are not part of the JSON protocol"));
            continue;
        }
        auto decoded = json::decode_request(frame, ctx_.limits);
        if (auto* err = std::get_if<json::request_error>(&decoded)) {
            ctx_.counters.request_errors.inc();
            send(json::encode_error(*err));
            continue;
        }
        co_await handle(std::move(std::get<json::request>(decoded)));
    }
    // Only a close frame from the client is a clean leave. Every end the server decides
    // (revocation, token expiry, slow consumer, shutdown) is lost like a dropped socket: the
    // member stays for presence.grace, so a client that reconnects (with a fresh token, or to
    // another node) within it causes no leave/join flap.
    presence_end(clean_close_);
    close();
    if (tracked_) {
        ctx_.live[worker_].erase(this);
        tracked_ = false;
    }
    ctx_.counters.connections.sub(1);
    if (session_) {
        auto* s = session_;
        session_ = nullptr;
        ctx_.broker.connection_lost(s, false);
    }
}

asio::awaitable<bool> json_session::ensure_session(std::string client_id, const std::string& id) {
    if (session_) co_return true;
    if (!ensure_identity(id)) co_return false;
    client_id_ = std::move(client_id);
    auto done = std::make_shared<bool>(false);
    auto self = shared_from_this();
    ctx_.broker.open_session(worker_, client_id_, true, [self, done](broker::session* s, bool) {
        *done = true;
        if (self->closing_) {
            self->ctx_.broker.connection_lost(s, false);
        } else {
            self->session_ = s;
            s->set_expiry(std::chrono::seconds(0));
            s->attach(self.get(), 65535);
        }
        self->session_ready_.cancel();
    });
    while (!*done && !closing_) {
        session_ready_.expires_at(asio::steady_timer::time_point::max());
        co_await session_ready_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return session_ != nullptr;
}

asio::awaitable<void> json_session::handle(json::request r) {
    const auto& id = r.id;
    if (auto* c = std::get_if<json::connect_cmd>(&r.cmd)) {
        if (session_) {
            send(json::encode_error(id, 409, "already connected as " + client_id_));
        } else if (c->token && !accept_token(id, std::move(*c->token))) {
            // error 401 sent; the connection is closing
        } else if (co_await ensure_session(c->client_id.value_or(broker::assign_client_id()), id)) {
            send(json::reply_ok(id).field("client_id", client_id_).field("version", 1u).str());
        }
        co_return;
    }
    if (std::holds_alternative<json::ping_cmd>(r.cmd)) {
        send(json::reply_ok(id).str());
        co_return;
    }
    if (auto* h = std::get_if<json::history_cmd>(&r.cmd)) { // reads need no session
        if (ensure_identity(id) && allowed(id, auth::action::history, h->channel)) on_history(id, std::move(*h));
        co_return;
    }
    if (auto* f = std::get_if<json::refresh_cmd>(&r.cmd)) {
        on_refresh(id, std::move(*f));
        co_return;
    }
    if (auto* p = std::get_if<json::presence_cmd>(&r.cmd)) { // here-now and where-now need no session
        if (!ensure_identity(id)) co_return;
        if (p->client) on_where_now(id, std::move(*p->client));
        else if (allowed(id, auth::action::presence, p->channel)) on_presence(id, std::move(*p));
        co_return;
    }
    if (!co_await ensure_session(broker::assign_client_id(), id)) co_return;
    if (auto* st = std::get_if<json::state_cmd>(&r.cmd)) {
        if (allowed(id, auth::action::presence, st->channel)) on_state(id, std::move(*st));
        co_return;
    }
    if (auto* s = std::get_if<json::subscribe_cmd>(&r.cmd)) {
        if (allowed(id, auth::action::subscribe, s->channel)) on_subscribe(id, std::move(*s));
    } else if (auto* u = std::get_if<json::unsubscribe_cmd>(&r.cmd)) {
        on_unsubscribe(id, std::move(*u));
    } else if (auto* p = std::get_if<json::publish_cmd>(&r.cmd)) {
        if (allowed(id, auth::action::publish, p->channel)) on_publish(id, std::move(*p));
    }
}

void json_session::on_subscribe(const std::string& id, json::subscribe_cmd c) {
    if (!session_->subscriptions().contains(c.channel)) {
        if (auto full = ctx_.guard.refuse_subscription(session_->subscriptions().size())) {
            send(json::encode_error(id, 429, *full));
            return;
        }
    }
    broker::sub_options opts{0, false, false, 0};
    auto self = shared_from_this();
    auto since = c.since;
    auto channel = c.channel;
    // Exact channels make the session a member unless `presence: false`; wildcard filters with
    // `presence: true` (or listed in presence.wildcards) make it a member of the filter itself.
    const bool join = ctx_.presence && ctx_.presence->enabled(channel, c.options.presence);
    if (since) ++replaying_; // live pushes wait from now until the replay is out
    ctx_.broker.subscribe(session_, {{c.channel, opts, 0}},
                          [self, id, opts, since, channel, join](std::vector<broker::sub_outcome> out) {
        if (!self->session_) return;
        // Only a subscription still held makes a member: a refresh that took its grant away
        // (drop_ungranted) may have dropped it, and left it, before this answer came.
        if (join && self->session_->subscriptions().contains(channel)) self->presence_join(channel);
        else self->presence_leave(channel); // re-subscribed with presence: false
        if (since) return self->start_replay(id, channel, *since, out[0].horizon, std::move(out[0].retained));
        self->send(json::reply_ok(id).str());
        auto now = std::chrono::steady_clock::now();
        for (const auto& m : out[0].retained) self->session_->deliver_retained(m, opts, now);
    });
}

void json_session::on_unsubscribe(const std::string& id, json::unsubscribe_cmd c) {
    auto self = shared_from_this();
    auto channel = c.channel;
    std::erase_if(replayed_, [&](const auto& r) { return r.first == channel; });
    // The client's goodbye: a leave now, as MQTT's UNSUBSCRIBE, not when the broker answers, so
    // a socket that drops right after it does not turn it into a timeout. A subscribe still
    // unanswered does not join afterwards: its answer finds the subscription gone.
    presence_leave(channel);
    ctx_.broker.unsubscribe(session_, {std::move(c.channel)}, [self, id, channel](std::vector<bool> existed) {
        if (existed[0]) self->send(json::reply_ok(id).str());
        else self->send(json::encode_error(id, 404, "not subscribed to " + channel));
    });
}

void json_session::on_publish(const std::string& id, json::publish_cmd c) {
    if (c.channel.starts_with("$SYS")) {
        send(json::encode_error(id, 403, "$SYS channels are the server's"));
        return;
    }
    if (presence::server_channel(c.channel)) {
        send(json::encode_error(id, 403, "$presence channels are the server's"));
        return;
    }
    auto m = json::message_from_publish(std::move(c), client_id_);
    if (auto big = ctx_.guard.refuse_message(m.topic, m.payload.size())) {
        send(json::encode_error(id, 413, *big));
        return;
    }
    if (auto now = std::chrono::steady_clock::now(); !publish_bucket_.try_take(now)) {
        send(json::encode_error(id, 429, ctx_.guard.refuse_publish_rate(publish_bucket_.wait(now))));
        return;
    }
    auto self = shared_from_this();
    ctx_.broker.publish(std::move(m), [self, id](const broker::publish_ack& ack) {
        if (ack.error) {
            self->send(json::encode_error(id, 503, "not stored: " + ack.reason));
            return;
        }
        json::reply_ok ok(id);
        ok.field("matched", ack.reached)
            .field("offset", ack.cur.offset)
            .field("epoch", core::epoch_string(ack.cur.epoch))
            .field("tt", core::tt_string(ack.cur.tt));
        if (ack.duplicate) ok.field("duplicate", true);
        self->send(std::move(ok).str());
    });
}

void json_session::on_history(const std::string& id, json::history_cmd c) {
    http::history_params p;
    p.channel = std::move(c.channel);
    p.limit = c.limit;
    p.newest_first = c.newest_first;
    p.page = std::move(c.page);
    auto bound = [&p](const std::optional<json::position>& pos, std::optional<std::uint64_t>& offset,
                      std::optional<std::uint64_t>& tt) {
        if (!pos) return true;
        if (const auto* t = std::get_if<json::time_position>(&*pos)) {
            tt = t->tt;
            return true;
        }
        const auto& o = std::get<json::offset_position>(*pos);
        offset = o.offset;
        if (o.epoch.empty()) return true;
        if (p.epoch && *p.epoch != o.epoch) return false;
        p.epoch = o.epoch;
        return true;
    };
    if (!bound(c.since, p.since_offset, p.since_tt) || !bound(c.until, p.until_offset, p.until_tt)) {
        send(json::encode_error(id, 400, "\"since\" and \"until\" name different epochs"));
        return;
    }
    auto planned = http::plan_history(std::move(p));
    if (auto* bad = std::get_if<std::string>(&planned)) {
        send(json::encode_error(id, 400, *bad));
        return;
    }
    auto plan = std::make_shared<http::history_plan>(std::move(std::get<http::history_plan>(planned)));
    auto self = shared_from_this();
    ctx_.broker.history(plan->q, [self, id, plan](broker::history_page page) {
        if (page.error) self->send(json::encode_error(id, 503, page.reason));
        else self->send(json::reply_ok(id).raw_members(http::history_members(*plan, page)).str());
    });
}

bool json_session::deliver(const broker::delivery& d) {
    if (closing_) return false;
    if (replaying_ > 0) return hold(d);
    if (!replayed_.empty() && already_replayed(*d.msg)) return true;
    auto& cached = ctx_.last_push[worker_];
    if (cached.msg != d.msg || cached.retained != d.retain) {
        // A `$presence/...` event already is the `{"op":"presence",...}` push (presence_service).
        const bool presence_event = d.msg->topic.starts_with("$presence/");
        cached.frame = presence_event ? d.msg->payload : json::encode_message_push(*d.msg, d.retain);
        cached.msg = d.msg;
        cached.retained = d.retain;
    }
    auto r = out_.push(cached.frame, true);
    if (r == net::write_queue::push_result::dropped) {
        ctx_.counters.dropped.inc();
        return false;
    }
    ctx_.counters.messages_out.inc();
    return true;
}

void json_session::send(std::string frame) {
    if (out_.push(std::move(frame)) == net::write_queue::push_result::overflow) {
        RUNNEL_LOG_DEBUG(obs::http_log(), "cid={} slow JSON consumer, closing", client_id_);
        close();
    }
}

void json_session::kick(errc) {
    session_ = nullptr;
    // Taken over (or cut) by the broker: the newer connection keeps the membership, so this is
    // not a clean leave (no leave/join flap within the grace).
    presence_end(false);
    close();
}

void json_session::shutdown() { close(); }

void json_session::close() {
    if (closing_) return;
    closing_ = true;
    out_.close(); // the writer flushes, sends the close frame and ends the transport
    replay_wait_.cancel();
    session_ready_.cancel();
    expiry_.cancel();
}

} // namespace runnel::gateway::ws
