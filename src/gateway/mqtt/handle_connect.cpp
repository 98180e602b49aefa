// CONNECT: validation, authentication, session open (with takeover), CONNACK; and the packet
// dispatch that every other handler hangs off.
#include "runnel/auth/revocations.hpp"
#include "runnel/broker/client_id.hpp"
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/obs/log.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>


namespace runnel::gateway::mqtt {
namespace asio = boost::asio;

namespace {

/// The password check for the blocking pool. A plain coroutine taking its arguments by value
/// (rule 9), not a capturing lambda: with GCC 12 and Boost 1.81, co_spawn(..., use_awaitable) of
/// a capturing lambda coroutine destroys the captures twice.
asio::awaitable<result<auth::identity>> authenticate_blocking(const auth::authenticator* a,
                                                              auth::credentials cred) {
    co_return a->authenticate(cred);
}

std::uint8_t reason_of(const boost::system::error_code& ec) {
    if (ec == errc::bad_credentials) return wire::reason::bad_user_name_or_password;
    return wire::reason::not_authorized;
}

} // namespace

asio::awaitable<bool> connection::handle(wire::packet p) {
    ctx_.counters.messages_in.inc();
    if (auto* c = std::get_if<wire::connect>(&p)) {
        if (connect_seen_) {
            close(wire::reason::protocol_error, "second CONNECT");
            co_return false;
        }
        co_return co_await handle_connect(std::move(*c));
    }
    if (!connected_) {
        // Anything before CONNECT (or before its CONNACK went out) is a protocol violation.
        close(wire::reason::protocol_error, "packet before CONNECT");
        co_return false;
    }
    last_seen_ = std::chrono::steady_clock::now();
    switch (wire::type_of(p)) {
    case wire::packet_type::publish: {
        bool go = co_await pace_publish(std::get<wire::publish>(p));
        if (!go) co_return !closing_;
        co_return handle_publish(std::move(std::get<wire::publish>(p)));
    }
    case wire::packet_type::puback:
    case wire::packet_type::pubrec:
    case wire::packet_type::pubcomp: co_return handle_ack(p);
    case wire::packet_type::pubrel: co_return handle_pubrel(std::get<wire::pubrel>(p));
    case wire::packet_type::subscribe: co_return handle_subscribe(std::move(std::get<wire::subscribe>(p)));
    case wire::packet_type::unsubscribe: co_return handle_unsubscribe(std::move(std::get<wire::unsubscribe>(p)));
    case wire::packet_type::pingreq: send(wire::pingresp{}); co_return true;
    case wire::packet_type::disconnect: co_return handle_disconnect(std::get<wire::disconnect>(p));
    case wire::packet_type::auth: co_return handle_auth(std::get<wire::auth>(p));
    default:
        // CONNACK, SUBACK, UNSUBACK, PINGRESP are server-to-client only.
        close(wire::reason::protocol_error, "packet not allowed from a client");
        co_return false;
    }
}

bool connection::refuse_connect(std::uint8_t code, std::string why) {
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "peer={} cid={} CONNECT refused: {}", transport_->remote(), client_id_, why);
    wire::connack ack{false, code, {}};
    // A CONNACK may carry a reason string whatever Request Problem Information says.
    if (v5() && !why.empty()) ack.props.reason_string = std::move(why);
    send(ack);
    close(code);
    return false;
}

bool connection::connect_checks(const wire::connect& p) {
    auto refuse = [&](std::uint8_t code, const char* why) { return refuse_connect(code, why); };
    if (p.client_id.empty() && !p.clean_start && !v5())
        return refuse(wire::reason::client_identifier_not_valid, "empty client id needs clean session");
    if (p.client_id.size() > ctx_.opts.max_client_id_length)
        return refuse(wire::reason::client_identifier_not_valid, "client id too long");
    // Enhanced authentication: only `jwt`, the token in Authentication Data (docs/auth.md).
    if (p.props.authentication_method && *p.props.authentication_method != "jwt")
        return refuse(wire::reason::bad_authentication_method, "the only authentication method is jwt");
    if (static_cast<std::size_t>(ctx_.counters.connections.value()) >= ctx_.opts.max_connections) {
        ctx_.guard.hit(limits::limit::connections);
        return refuse(v5() ? wire::reason::quota_exceeded : wire::reason::server_unavailable,
                      "connection limit reached (limits.max_connections)");
    }
    if (p.will) {
        if (core::validate_topic_name(p.will->topic, ctx_.opts.topics) != errc::ok)
            return refuse(wire::reason::topic_name_invalid, "invalid will topic");
        // A will is a publish the server makes later: the same refusal as a PUBLISH there.
        if (presence::server_channel(p.will->topic))
            return refuse(wire::reason::not_authorized, "will topic: $SYS and $presence topics are the server's");
        if (p.will->qos > ctx_.opts.maximum_qos) return refuse(wire::reason::qos_not_supported, "will QoS not supported");
        if (p.will->retain && !ctx_.opts.retain_available)
            return refuse(wire::reason::retain_not_supported, "retain not supported");
        if (ctx_.guard.refuse_message(p.will->topic, p.will->payload.size()))
            return refuse(wire::reason::packet_too_large, "will message larger than limits.message_size allows");
    }
    return true;
}

asio::awaitable<bool> connection::handle_connect(wire::connect p) {
    connect_seen_ = true;
    version_ = p.ver;
    client_id_ = p.client_id;
    if (!connect_checks(p)) co_return false;

    auth::credentials cred{p.username, p.password, p.client_id, transport_->loopback()};
    cred.certificate_subject = transport_->peer_identity();
    if (p.props.authentication_method) {
        // Method `jwt` (connect_checks refused any other): the token is the Authentication
        // Data, which takes precedence over a password.
        jwt_method_ = true;
        if (!p.props.authentication_data) {
            ctx_.counters.auth_failures.inc();
            ctx_.counters.denied.count("connect");
            co_return refuse_connect(wire::reason::bad_user_name_or_password,
                                     "authentication method jwt needs the token in Authentication Data");
        }
        cred.token = p.props.authentication_data;
    }
    result<auth::identity> who = make_error_code(errc::not_authorized);
    std::string why;
    if (ctx_.auth.expensive(cred)) {
        // Password hashing runs on the blocking pool; the reader resumes on this worker.
        who = co_await asio::co_spawn(ctx_.blocking_pool, authenticate_blocking(&ctx_.auth, cred),
                                      asio::use_awaitable);
        if (!who) why = who.error() == errc::bad_credentials ? "bad user name or password" : "not authorized";
    } else {
        who = ctx_.auth.authenticate(cred, &why);
    }
    if (!who) {
        ctx_.counters.auth_failures.inc();
        ctx_.counters.denied.count("connect");
        co_return refuse_connect(reason_of(who.error()), std::move(why));
    }
    identity_ = std::move(*who);
    if (p.will && !identity_.may(auth::action::publish, p.will->topic)) {
        ctx_.counters.denied.count("will");
        co_return refuse_connect(wire::reason::not_authorized, "no publish grant for the will topic " + p.will->topic);
    }

    std::string assigned;
    if (p.client_id.empty()) {
        assigned = broker::assign_client_id();
        p.client_id = assigned;
    }
    client_id_ = p.client_id;
    // The reader stays here until the session is open, so pipelined packets follow CONNACK.
    auto done = std::make_shared<bool>(false);
    auto self = shared_from_this();
    auto cid = p.client_id;
    ctx_.broker.open_session(worker_, std::move(cid), p.clean_start,
        [self, p = std::move(p), assigned, done](broker::session* s, bool present) mutable {
            *done = true;
            self->accept_connect(std::move(p), s, present, std::move(assigned));
            self->session_ready_.cancel();
        });
    while (!*done && !closing_) {
        session_ready_.expires_at(asio::steady_timer::time_point::max());
        co_await session_ready_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return !closing_;
}

void connection::accept_connect(wire::connect p, broker::session* s, bool present, std::string assigned) {
    using std::chrono::seconds;
    // Session expiry: v5 says it in CONNECT; 3.1.x clean session 0 means "keep it", capped.
    auto max_expiry = ctx_.opts.max_session_expiry;
    seconds expiry{0};
    if (v5()) expiry = seconds(p.props.session_expiry_interval.value_or(0));
    else if (!p.clean_start) expiry = max_expiry;
    bool capped = expiry > max_expiry;
    if (capped) expiry = max_expiry;
    s->set_expiry(expiry);
    s->will().reset();
    if (p.will) {
        core::message m;
        m.topic = std::move(p.will->topic);
        m.payload = std::move(p.will->payload);
        m.qos = p.will->qos;
        m.retain = p.will->retain;
        auto& wp = p.will->props;
        m.payload_format = wp.payload_format_indicator;
        m.content_type = std::move(wp.content_type);
        m.response_topic = std::move(wp.response_topic);
        m.correlation_data = std::move(wp.correlation_data);
        for (auto& [k, v] : wp.user_properties) m.user_properties.push_back({std::move(k), std::move(v)});
        if (wp.message_expiry_interval)
            m.expires_at = std::chrono::steady_clock::now() + seconds(*wp.message_expiry_interval);
        m.origin_client = client_id_;
        s->will() = broker::will_spec{core::make_message(std::move(m)), seconds(wp.will_delay_interval.value_or(0))};
    }
    if (!closing_ && ctx_.revoked && ctx_.revoked->covers(identity_)) {
        // Revoked while the session was opening: cut_revoked skipped this connection (not yet
        // connected), so it is refused here instead.
        ctx_.counters.denied.count("connect");
        refuse_connect(wire::reason::bad_user_name_or_password, "token revoked");
    }
    if (closing_) {
        // The connection died while the session was opening: hand the session back.
        ctx_.broker.connection_lost(s, false);
        return;
    }
    // A resumed session may hold subscriptions this identity's grants no longer cover.
    if (present && !p.clean_start) drop_ungranted(s);
    session_ = s;
    client_max_packet_ = p.props.maximum_packet_size.value_or(0);
    client_alias_max_ = p.props.topic_alias_maximum.value_or(0);
    problem_info_ = p.props.request_problem_information.value_or(1) != 0;

    wire::connack ack{present && !p.clean_start, wire::reason::success, {}};
    std::uint16_t ka = p.keep_alive;
    if (v5()) {
        auto& pr = ack.props;
        pr.receive_maximum = ctx_.opts.receive_maximum;
        pr.maximum_packet_size = static_cast<std::uint32_t>(ctx_.opts.max_packet_size);
        pr.topic_alias_maximum = ctx_.opts.topic_alias_maximum;
        if (ctx_.opts.maximum_qos < 2) pr.maximum_qos = ctx_.opts.maximum_qos;
        if (!ctx_.opts.retain_available) pr.retain_available = 0;
        if (!ctx_.opts.wildcard_subscriptions) pr.wildcard_subscription_available = 0;
        if (!ctx_.opts.subscription_identifiers) pr.subscription_identifier_available = 0;
        if (!ctx_.opts.shared_subscriptions) pr.shared_subscription_available = 0;
        if (!assigned.empty()) pr.assigned_client_identifier = assigned;
        if (jwt_method_) pr.authentication_method = "jwt"; // MQTT-3.2.2: the method it accepted
        if (capped) pr.session_expiry_interval = static_cast<std::uint32_t>(expiry.count());
        if (ka > ctx_.opts.max_keep_alive || (ka == 0 && ctx_.opts.max_keep_alive < 65535)) {
            ka = ctx_.opts.max_keep_alive;
            pr.server_keep_alive = ka;
        }
    }
    keep_alive_ = seconds(ka);
    connected_ = true;
    last_seen_ = std::chrono::steady_clock::now();
    timer_.cancel(); // the watchdog re-arms for the keep alive
    send(ack);
    arm_expiry();
    ctx_.counters.connections.add(1);
    ctx_.counters.connections_total.inc();
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "peer={} cid={} connected v={} clean={} present={} keepalive={}s expiry={}s",
                     transport_->remote(), client_id_, static_cast<int>(version_), p.clean_start,
                     ack.session_present, ka, expiry.count());
    // A resumed session is still subscribed: its subscriptions that make a member (exact
    // topics unless opted out, wildcards opted in or listed) make the client present again.
    if (present && !p.clean_start) {
        for (const auto& [key, rec] : s->subscriptions()) presence_join(key, rec.opts.presence);
    }
    // Resends what was in flight, then anything queued while the client was away.
    s->attach(this, p.props.receive_maximum.value_or(65535));
}

} // namespace runnel::gateway::mqtt
