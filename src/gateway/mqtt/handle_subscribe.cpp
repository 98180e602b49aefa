// SUBSCRIBE, UNSUBSCRIBE and DISCONNECT.
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/obs/log.hpp"

#include <algorithm>

namespace runnel::gateway::mqtt {

bool connection::handle_subscribe(wire::subscribe p) {
    std::uint32_t sub_id = p.props.subscription_identifiers.empty() ? 0 : p.props.subscription_identifiers.front();
    if (sub_id != 0 && !ctx_.opts.subscription_identifiers) {
        close(wire::reason::subscription_identifiers_not_supported, "subscription identifiers not supported");
        return false;
    }
    // `runnel-cursor: true` (a SUBSCRIBE user property) asks for the cursor on every delivery;
    // `runnel-presence` is the packet's presence choice (any other value: no choice).
    bool with_cursor = false;
    std::optional<bool> presence_opt;
    std::optional<std::string> presence_state; // `runnel-presence-state`: a JSON object
    for (const auto& [k, v] : p.props.user_properties) {
        if (k == cursor_property) with_cursor = v == "true" || v == "1";
        if (k == presence_property) presence_opt = presence::parse_opt_in(v);
        if (k == presence_state_property) presence_state = v;
    }
    // A state the registry would refuse fails the whole packet now: after the SUBACK there is
    // no way left to tell the client.
    std::string bad_state;
    if (presence_state && ctx_.presence) {
        auto st = ctx_.presence->check_state(*presence_state);
        if (st && st->empty()) presence_state.reset(); // {}: what a new member has anyway
        else if (!st && st.error() == make_error_code(errc::packet_too_large))
            bad_state = "runnel-presence-state: over presence.max_state_bytes";
        else if (!st)
            bad_state = "runnel-presence-state: not a JSON object";
    }
    std::vector<std::uint8_t> codes(p.subscriptions.size(), wire::reason::unspecified_error);
    std::vector<broker::sub_request> reqs;
    std::vector<std::size_t> index; // reqs[i] answers codes[index[i]]
    std::size_t held = session_->subscriptions().size(); // limits.max_subscriptions: with the new ones here
    std::string why;                                     // reason string of a refusal
    for (std::size_t i = 0; i < p.subscriptions.size(); ++i) {
        auto& s = p.subscriptions[i];
        if (!bad_state.empty()) {
            codes[i] = wire::reason::implementation_specific_error;
            why = bad_state;
            continue;
        }
        std::string_view filter = s.filter;
        auto shared = core::parse_shared(s.filter);
        if (shared) {
            if (!ctx_.opts.shared_subscriptions) { codes[i] = wire::reason::shared_subscriptions_not_supported; continue; }
            if (!shared->has_value()) { codes[i] = wire::reason::topic_filter_invalid; continue; }
            if (s.no_local && v5()) {
                close(wire::reason::protocol_error, "no local on a shared subscription");
                return false;
            }
            filter = (*shared)->filter;
        }
        if (core::validate_filter(filter, ctx_.opts.topics) != errc::ok) { codes[i] = wire::reason::topic_filter_invalid; continue; }
        if (core::has_wildcard(filter) && !ctx_.opts.wildcard_subscriptions) {
            codes[i] = wire::reason::wildcard_subscriptions_not_supported;
            continue;
        }
        // One granted pattern must cover the whole filter; `$share/group/f` is checked as f.
        // `$presence/{channel}` needs the presence grant on the channel instead.
        if (!may_subscribe(filter)) {
            codes[i] = wire::reason::not_authorized; // 3.1.1: 0x80
            auto presence_events = presence::events_filter(filter).has_value();
            ctx_.counters.denied.count(presence_events ? "presence" : "subscribe");
            if (why.empty()) why = (presence_events ? "no presence grant for " : "no subscribe grant for ") + std::string(filter);
            continue;
        }
        bool fresh = !session_->subscriptions().contains(s.filter) &&
                     std::none_of(reqs.begin(), reqs.end(), [&](const auto& r) { return r.filter == s.filter; });
        if (auto full = fresh ? ctx_.guard.refuse_subscription(held) : std::nullopt) {
            codes[i] = wire::reason::quota_exceeded; // 3.1.1: 0x80
            why = std::move(*full);
            continue;
        }
        held += fresh ? 1 : 0;
        auto qos = std::min(s.max_qos, ctx_.opts.maximum_qos);
        codes[i] = qos; // granted QoS 0..2 are also the success reason codes
        broker::sub_options o{qos, v5() && s.no_local, v5() && s.retain_as_published, sub_id, v5() && with_cursor,
                              v5() ? presence_opt : std::nullopt};
        reqs.push_back({std::move(s.filter), o, v5() ? s.retain_handling : std::uint8_t{0}});
        index.push_back(i);
    }
    auto self = shared_from_this();
    auto id = p.packet_id;
    wire::properties ack_props;
    if (v5()) ack_props.reason_string = problem(why);
    // The join waits for the SUBACK (a persistent session's subscribe waits for the store), but
    // an UNSUBSCRIBE leaves at once: remember which channels this SUBSCRIBE may still join.
    const auto seq = ++presence_seq_;
    for (const auto& r : reqs) {
        if (presence::presence_candidate(r.filter)) presence_pending_[r.filter] = seq;
    }
    auto answer = [self, id, codes, index, ack_props, seq, reqs_opts = reqs,
                   state = std::move(presence_state)](std::vector<broker::sub_outcome> out) mutable {
        self->send(wire::suback{id, codes, ack_props});
        for (const auto& r : reqs_opts) {
            auto it = self->presence_pending_.find(r.filter);
            if (it == self->presence_pending_.end() || it->second != seq) continue; // unsubscribed or re-subscribed since
            self->presence_pending_.erase(it);
            if (self->session_) self->presence_subscribed(r.filter, r.opts.presence, state);
        }
        if (!self->session_) return;
        // Retained messages follow the SUBACK.
        auto now = std::chrono::steady_clock::now();
        for (std::size_t r = 0; r < out.size(); ++r) {
            for (const auto& m : out[r].retained) self->session_->deliver_retained(m, reqs_opts[r].opts, now);
        }
    };
    if (reqs.empty()) {
        answer({});
        return true;
    }
    ctx_.broker.subscribe(session_, std::move(reqs), std::move(answer));
    return true;
}

bool connection::handle_unsubscribe(wire::unsubscribe p) {
    auto self = shared_from_this();
    auto id = p.packet_id;
    for (const auto& f : p.filters) presence_leave(f);
    ctx_.broker.unsubscribe(session_, std::move(p.filters), [self, id](std::vector<bool> existed) {
        wire::unsuback ack{id, {}, {}};
        for (bool e : existed) ack.reason_codes.push_back(e ? wire::reason::success : wire::reason::no_subscription_existed);
        self->send(ack);
    });
    return true;
}

bool connection::handle_disconnect(const wire::disconnect& p) {
    if (v5() && p.props.session_expiry_interval && session_) {
        // A session that was not to be kept cannot be made persistent now (MQTT 3.14.2.2.2).
        if (session_->expiry().count() == 0 && *p.props.session_expiry_interval != 0) {
            close(wire::reason::protocol_error, "session expiry set on DISCONNECT after 0 in CONNECT");
            return false;
        }
        auto e = std::min<std::chrono::seconds>(std::chrono::seconds(*p.props.session_expiry_interval),
                                                ctx_.opts.max_session_expiry);
        session_->set_expiry(e);
    }
    // Only a normal disconnection (0x00) discards the will; 0x04 and error reasons publish it.
    publish_will_ = v5() && p.reason_code != wire::reason::success;
    clean_disconnect_ = true; // presence: leave now, not after the grace
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} DISCONNECT reason={:#x}", client_id_, p.reason_code);
    close(wire::reason::success);
    return false;
}

} // namespace runnel::gateway::mqtt
