// What an identity may do over time: its token's expiry, v5 re-authentication (AUTH), and
// dropping what a narrower set of grants no longer allows.
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/obs/log.hpp"

namespace runnel::gateway::mqtt {

namespace {
constexpr std::uint8_t reauthenticate = 0x19; // AUTH reason code (MQTT 5 3.15.2.1)
} // namespace

void connection::arm_expiry() {
    // A newer identity (re-authentication) or a close makes a pending wait stale: the
    // generation guards against a handler that was already queued when the timer was reset.
    const auto gen = ++expiry_gen_;
    expiry_.cancel();
    if (!identity_.expires_at || closing_) return;
    // expires_at is exp + clock skew in Unix seconds: a wall-clock timer, so a clock that is
    // stepped still ends the session when the token stops being valid.
    expiry_.expires_at(std::chrono::system_clock::time_point(std::chrono::seconds(*identity_.expires_at)));
    expiry_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
        if (ec || gen != self->expiry_gen_ || self->closing_) return;
        RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} sub={} token expired", self->client_id_, self->identity_.subject);
        // The client was entitled to its will until now: it is published as for any
        // server-side close.
        self->close(wire::reason::maximum_connect_time, "token expired");
    });
}

bool connection::handle_auth(const wire::auth& p) {
    // MQTT-4.12.0-7 (roughly): AUTH only follows a CONNECT that named an authentication method.
    if (!jwt_method_) {
        close(wire::reason::protocol_error, "AUTH without an authentication method in CONNECT");
        return false;
    }
    if (p.props.authentication_method != std::optional<std::string>("jwt")) {
        close(wire::reason::bad_authentication_method, "the authentication method must stay jwt");
        return false;
    }
    if (p.reason_code != reauthenticate) {
        // 0x18 (continue) answers a challenge, and jwt never sends one.
        close(wire::reason::protocol_error, "AUTH reason must be 0x19 (re-authenticate)");
        return false;
    }
    std::string why = "no token in Authentication Data";
    result<auth::identity> next = make_error_code(errc::bad_credentials);
    if (p.props.authentication_data) next = ctx_.auth.refresh(identity_, *p.props.authentication_data, &why);
    if (!next) {
        ctx_.counters.auth_failures.inc();
        ctx_.counters.denied.count("connect");
        RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} re-authentication refused: {}", client_id_, why);
        close(wire::reason::not_authorized, "re-authentication failed: " + why);
        return false;
    }
    identity_ = std::move(*next);
    wire::auth ok{wire::reason::success, {}};
    ok.props.authentication_method = "jwt";
    send(ok);
    arm_expiry();
    if (session_) drop_ungranted(session_);
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} sub={} re-authenticated", client_id_, identity_.subject);
    return true;
}

void connection::drop_ungranted(broker::session* s) {
    if (auto& w = s->will(); w && w->msg && !identity_.may(auth::action::publish, w->msg->topic)) {
        w.reset(); // not counted: nothing was refused, the grants changed
    }
    std::vector<std::string> gone;
    for (const auto& [key, rec] : s->subscriptions()) {
        // The record holds the filter without `$share/group/`: that is what grants cover.
        if (!may_subscribe(rec.filter)) gone.push_back(key);
    }
    if (gone.empty()) return;
    for (const auto& f : gone) presence_leave(f);
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} sub={} dropping {} subscription(s) no longer granted", client_id_,
                     identity_.subject, gone.size());
    ctx_.broker.unsubscribe(s, std::move(gone), [](std::vector<bool>) {});
}

} // namespace runnel::gateway::mqtt
