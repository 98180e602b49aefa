// Identity and grants of a JSON session: a token from the upgrade or `connect`, anonymous
// access on first use, a grant per subscribe / publish / history, `refresh`, and the end of
// the session when its token expires or is revoked (docs/auth.md, docs/protocol.md).
#include "runnel/gateway/ws/json_session.hpp"

#include "../http/authorize.hpp"

#include "runnel/auth/revocations.hpp"
#include "runnel/codec/json/reply.hpp"
#include "runnel/codec/json/text.hpp"

namespace runnel::gateway::ws {
namespace json = runnel::codec::json;
namespace asio = boost::asio;
using sys_clock = std::chrono::system_clock;

namespace {
constexpr std::uint16_t policy_violation = 1008; // WebSocket close code (RFC 6455 7.4.1)
}

bool json_session::accept_token(const std::optional<std::string>& id, std::string token) {
    auto who = http::identify_token(ctx_.auth, std::move(token), t_->loopback(), sys_clock::now(), t_->peer_identity());
    if (auto* d = std::get_if<http::denial>(&who)) {
        ctx_.denied.count(d->action);
        if (!id) {
            end_for(d->message);
            return false;
        }
        send(json::encode_error(*id, 401, d->message));
        t_->set_close(policy_violation, d->message);
        close();
        return false;
    }
    set_identity(std::move(std::get<auth::identity>(who)));
    return true;
}

bool json_session::ensure_identity(const std::string& id) {
    if (who_) return true;
    auto who = http::identify_token(ctx_.auth, std::nullopt, t_->loopback(), sys_clock::now(), t_->peer_identity());
    if (auto* d = std::get_if<http::denial>(&who)) {
        ctx_.denied.count(d->action);
        send(json::encode_error(id, 401, d->message));
        t_->set_close(policy_violation, d->message);
        close();
        return false;
    }
    set_identity(std::move(std::get<auth::identity>(who)));
    return true;
}

void json_session::set_identity(auth::identity who) {
    who_ = std::move(who);
    // A wait that already completed is not cancelled by expires_at(): its handler may still be
    // queued. The generation tells a stale expiry (of the token a refresh replaced) from this one.
    auto gen = ++expiry_gen_;
    auto end = http::steady_expiry(*who_);
    if (end == std::chrono::steady_clock::time_point::max()) {
        expiry_.cancel();
        return;
    }
    expiry_.expires_at(end); // cancels the previous token's pending wait
    auto self = shared_from_this();
    expiry_.async_wait([self, gen](boost::system::error_code ec) {
        if (!ec && gen == self->expiry_gen_) self->end_for("token expired");
    });
}

bool json_session::allowed(const std::string& id, auth::action a, std::string_view channel) {
    auto d = http::authorize(*who_, a, channel);
    if (!d) return true;
    ctx_.denied.count(d->action);
    send(json::encode_error(id, 403, d->message));
    return false;
}

void json_session::end_for(std::string_view reason) {
    if (closing_) return;
    std::string frame = R"({"op":"disconnect","code":401,"reason":)";
    json::append_json_string(frame, reason);
    frame += '}';
    send(std::move(frame));
    t_->set_close(policy_violation, reason);
    close();
}

void json_session::on_refresh(const std::string& id, json::refresh_cmd c) {
    // Before any identity, a refresh is a first token: any subject will do.
    auth::identity none;
    none.anonymous = true;
    std::string why;
    auto next = ctx_.auth.refresh(who_ ? *who_ : none, c.token, &why);
    bool ok_token = next.has_value();
    if (ok_token && http::expired(*next, sys_clock::now())) { // its last second: it would end at once
        ok_token = false;
        why = "token expired";
    }
    if (!ok_token) {
        // The session goes on with the token it has until that one ends.
        ctx_.denied.count("connect");
        send(json::encode_error(id, 401, why.empty() ? std::string("token refused") : why));
        return;
    }
    set_identity(std::move(*next));
    auto dropped = drop_ungranted();
    std::string list = "[";
    for (const auto& f : dropped) {
        if (list.size() > 1) list += ',';
        json::append_json_string(list, f);
    }
    list += ']';
    json::reply_ok ok(id);
    if (who_->expires_at) ok.field("expires_at", *who_->expires_at);
    ok.raw_field("dropped", list);
    auto reply = std::move(ok).str();
    if (dropped.empty()) return send(std::move(reply));
    // Answer once the broker has let go of them: nothing on a dropped filter arrives after it.
    auto self = shared_from_this();
    ctx_.broker.unsubscribe(session_, std::move(dropped), [self, frame = std::move(reply)](std::vector<bool>) {
        self->send(frame);
    });
}

std::vector<std::string> json_session::drop_ungranted() {
    std::vector<std::string> out;
    if (!session_) return out;
    for (const auto& [filter, rec] : session_->subscriptions()) {
        if (http::authorize(*who_, auth::action::subscribe, std::string_view(filter))) out.push_back(filter);
    }
    for (const auto& f : out) presence_leave(f);
    for (const auto& f : out) std::erase_if(replayed_, [&](const auto& r) { return r.first == f; });
    return out;
}

std::size_t cut_revoked_sessions(json_context& ctx, std::size_t worker, const auth::revocation_list& revoked) {
    // Copy: an ended session may leave the set.
    auto live = std::vector<json_session*>(ctx.live.at(worker).begin(), ctx.live.at(worker).end());
    std::size_t n = 0;
    for (auto* s : live) {
        if (!s->identity() || !revoked.covers(*s->identity())) continue;
        s->end_for("token revoked");
        ++n;
    }
    return n;
}

} // namespace runnel::gateway::ws
