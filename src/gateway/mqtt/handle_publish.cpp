// PUBLISH in both directions and the QoS 1/2 acknowledgement flows.
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/codec/mqtt/encoder.hpp"
#include "runnel/obs/log.hpp"

#include <boost/asio/post.hpp>

namespace runnel::gateway::mqtt {
namespace asio = boost::asio;

bool connection::resolve_topic_alias(wire::publish& p) {
    if (!p.props.topic_alias) {
        if (p.topic.empty()) {
            close(v5() ? wire::reason::protocol_error : wire::reason::malformed_packet, "empty topic without alias");
            return false;
        }
        return true;
    }
    auto alias = *p.props.topic_alias;
    if (!v5() || alias == 0 || alias > ctx_.opts.topic_alias_maximum) {
        close(wire::reason::topic_alias_invalid, "topic alias out of range");
        return false;
    }
    if (!p.topic.empty()) {
        alias_in_[alias] = p.topic;
    } else {
        auto it = alias_in_.find(alias);
        if (it == alias_in_.end()) {
            close(wire::reason::protocol_error, "unknown topic alias");
            return false;
        }
        p.topic = it->second;
    }
    p.props.topic_alias.reset();
    return true;
}

bool connection::check_publish(const wire::publish& p) {
    if (!p.props.subscription_identifiers.empty()) {
        // MQTT-3.3.4-6: only the server puts Subscription Identifiers on a PUBLISH.
        close(wire::reason::protocol_error, "subscription identifier in a client PUBLISH");
        return false;
    }
    if (p.qos > ctx_.opts.maximum_qos) {
        close(wire::reason::qos_not_supported, "QoS not supported");
        return false;
    }
    if (p.retain && !ctx_.opts.retain_available) {
        close(wire::reason::retain_not_supported, "retain not supported");
        return false;
    }
    if (p.qos > 0 && inbound_unacked_ >= ctx_.opts.receive_maximum) {
        close(wire::reason::receive_maximum_exceeded, "receive maximum exceeded");
        return false;
    }
    return true;
}

bool connection::handle_publish(wire::publish p) {
    if (!resolve_topic_alias(p) || !check_publish(p)) return false;
    // Refusals a v5 client can be told about in the acknowledgement.
    std::uint8_t refusal = wire::reason::success;
    std::string why;
    if (core::validate_topic_name(p.topic, ctx_.opts.topics) != errc::ok) {
        refusal = wire::reason::topic_name_invalid, why = "invalid topic name";
    } else if (p.topic.starts_with("$SYS")) {
        refusal = wire::reason::not_authorized, why = "$SYS topics are the server's";
    } else if (presence::server_channel(p.topic)) {
        refusal = wire::reason::not_authorized, why = "$presence topics are the server's";
    } else if (p.props.payload_format_indicator.value_or(0) == 1 && !core::valid_mqtt_utf8(p.payload)) {
        refusal = wire::reason::payload_format_invalid, why = "payload is not UTF-8";
    } else if (auto big = ctx_.guard.refuse_message(p.topic, p.payload.size())) {
        refusal = wire::reason::packet_too_large, why = std::move(*big);
    }
    if (refusal == wire::reason::success && !identity_.may(auth::action::publish, p.topic)) {
        refuse_ungranted(p);
        return true;
    }
    if (refusal != wire::reason::success) {
        if (!v5() || p.qos == 0) {
            close(refusal, why);
            return false;
        }
        if (p.qos == 1) send(wire::puback{p.packet_id, refusal, {.reason_string = problem(why)}});
        else send(wire::pubrec{p.packet_id, refusal, {.reason_string = problem(why)}});
        return true;
    }
    if (p.qos == 2 && !session_->inbound_qos2_begin(p.packet_id)) {
        // A resend of a QoS 2 message we already have: acknowledge, never publish twice.
        send(wire::pubrec{p.packet_id, wire::reason::success, {}});
        return true;
    }
    route_publish(std::move(p));
    return true;
}

void connection::refuse_ungranted(const wire::publish& p) {
    // Not a protocol error: the connection stays up (docs/auth.md, "Denials"). QoS 0 is dropped.
    // v5 QoS 1/2 gets 0x87; MQTT 3.1.1 has no negative acknowledgement, so QoS 1/2 is
    // acknowledged as if published (as Mosquitto does), or the client would resend it forever.
    // A QoS 2 flow ends at the PUBREC: a PUBREL that follows gets PUBCOMP (packet id unknown).
    ctx_.counters.denied.count("publish");
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} sub={} no publish grant for {}", client_id_, identity_.subject, p.topic);
    if (p.qos == 0) return;
    const auto code = v5() ? wire::reason::not_authorized : wire::reason::success;
    auto why = v5() ? problem("no publish grant for " + p.topic) : std::nullopt;
    if (p.qos == 1) send(wire::puback{p.packet_id, code, {.reason_string = why}});
    else send(wire::pubrec{p.packet_id, code, {.reason_string = why}});
}

void connection::route_publish(wire::publish p) {
    core::message m;
    m.topic = std::move(p.topic);
    m.payload = std::move(p.payload);
    m.qos = p.qos;
    m.retain = p.retain;
    auto& pr = p.props;
    m.payload_format = pr.payload_format_indicator;
    m.content_type = std::move(pr.content_type);
    m.response_topic = std::move(pr.response_topic);
    m.correlation_data = std::move(pr.correlation_data);
    m.user_properties.reserve(pr.user_properties.size());
    for (auto& [k, v] : pr.user_properties) {
        if (k == idempotency_property) m.idempotency_key = v;
        m.user_properties.push_back({std::move(k), std::move(v)});
    }
    if (pr.message_expiry_interval)
        m.expires_at = std::chrono::steady_clock::now() + std::chrono::seconds(*pr.message_expiry_interval);
    m.origin_client = client_id_;
    if (p.qos == 0) {
        ctx_.broker.publish(std::move(m));
        return;
    }
    ++inbound_unacked_;
    auto self = shared_from_this();
    auto id = p.packet_id;
    auto qos = p.qos;
    // Acknowledged once routed and durable (the retention log's sync policy).
    ctx_.broker.publish(std::move(m), [self, id, qos](const broker::publish_ack& ack) {
        if (ack.error) return self->refuse_publish(id, qos, ack);
        auto code = ack.reached == 0 && self->v5() && !ack.duplicate ? wire::reason::no_matching_subscribers
                                                                     : wire::reason::success;
        if (qos == 1) {
            --self->inbound_unacked_;
            self->send(wire::puback{id, code, {}});
        } else {
            self->send(wire::pubrec{id, code, {}}); // counted until PUBREL
        }
    });
}

void connection::refuse_publish(std::uint16_t id, std::uint8_t qos, const broker::publish_ack& ack) {
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} publish refused: {}", client_id_, ack.reason);
    if (qos == 2 && session_) session_->inbound_qos2_release(id); // the flow ends with the refusal
    if (qos == 1 || qos == 2) --inbound_unacked_;
    if (!v5()) {
        // MQTT 3.1.1 has no negative acknowledgement: closing is how the client learns.
        close(wire::reason::unspecified_error, "publish not stored: " + ack.reason);
        return;
    }
    // 0x97 quota exceeded: the disk is full, or the log is too far behind; 0x80: it cannot write.
    auto code = ack.error == errc::storage_full || ack.error == errc::server_busy ? wire::reason::quota_exceeded
                                                                                 : wire::reason::unspecified_error;
    auto why = problem("not stored: " + ack.reason);
    if (qos == 1) send(wire::puback{id, code, {.reason_string = why}});
    else send(wire::pubrec{id, code, {.reason_string = why}});
}

bool connection::handle_pubrel(const wire::pubrel& p) {
    if (session_ && session_->inbound_qos2_release(p.packet_id)) {
        if (inbound_unacked_ > 0) --inbound_unacked_;
        send(wire::pubcomp{p.packet_id, wire::reason::success, {}});
    } else {
        send(wire::pubcomp{p.packet_id, v5() ? wire::reason::packet_identifier_not_found : wire::reason::success, {}});
    }
    return true;
}

bool connection::handle_ack(const wire::packet& p) {
    if (!session_) return true;
    if (auto* a = std::get_if<wire::puback>(&p)) {
        session_->on_puback(a->packet_id);
    } else if (auto* r = std::get_if<wire::pubrec>(&p)) {
        bool known = session_->on_pubrec(r->packet_id);
        if (r->reason_code >= 0x80) {
            // The client refused the message: the flow ends here (MQTT 4.3.3).
            if (known) session_->on_pubcomp(r->packet_id);
            return true;
        }
        send(wire::pubrel{r->packet_id, known || !v5() ? wire::reason::success : wire::reason::packet_identifier_not_found, {}});
    } else if (auto* c = std::get_if<wire::pubcomp>(&p)) {
        session_->on_pubcomp(c->packet_id);
    }
    return true;
}

bool connection::deliver(const broker::delivery& d) {
    if (closing_) return false;
    const auto& m = *d.msg;
    // Subscriptions are checked when made and when a session resumes; this catches what was
    // queued for the session before its grants narrowed (a re-authentication, a resume with
    // another token). A topic one granted pattern does not match cannot be delivered.
    if (!may_subscribe(m.topic)) { // `$presence/c`: the presence grant on c
        discard_delivery(d);
        return true;
    }
    wire::publish p{{}, m.payload, d.qos, d.retain, d.dup, d.packet_id, {}};
    if (v5()) {
        auto& pr = p.props;
        pr.payload_format_indicator = m.payload_format;
        pr.message_expiry_interval = core::remaining_expiry(m, std::chrono::steady_clock::now());
        pr.content_type = m.content_type;
        pr.response_topic = m.response_topic;
        pr.correlation_data = m.correlation_data;
        for (const auto& u : m.user_properties) pr.user_properties.emplace_back(u.name, u.value);
        if (d.with_cursor) {
            pr.user_properties.emplace_back("runnel-offset", std::to_string(m.cur.offset));
            pr.user_properties.emplace_back("runnel-epoch", core::epoch_string(m.cur.epoch));
            pr.user_properties.emplace_back("runnel-tt", core::tt_string(m.cur.tt));
        }
        pr.subscription_identifiers = d.sub_ids;
    }
    // Outbound topic alias: reuse one the client knows, else assign (round robin once full).
    bool use_alias_only = false;
    if (client_alias_max_ > 0) {
        if (auto it = alias_out_.find(m.topic); it != alias_out_.end()) {
            p.props.topic_alias = it->second;
            use_alias_only = true;
        } else {
            std::uint16_t alias;
            if (alias_out_topics_.size() < client_alias_max_) {
                alias_out_topics_.push_back(m.topic);
                alias = static_cast<std::uint16_t>(alias_out_topics_.size());
            } else {
                alias = static_cast<std::uint16_t>(alias_out_next_ % client_alias_max_ + 1);
                alias_out_next_ = static_cast<std::uint16_t>(alias_out_next_ % client_alias_max_ + 1);
                alias_out_.erase(alias_out_topics_[alias - 1]);
                alias_out_topics_[alias - 1] = m.topic;
            }
            alias_out_[m.topic] = alias;
            p.props.topic_alias = alias;
        }
    }
    if (!use_alias_only) p.topic = m.topic;
    auto bytes = wire::encode(p, version_);
    // A new alias the client never saw must not be used again: forget it when not sent.
    auto unsent = [&] {
        if (p.props.topic_alias && !use_alias_only) alias_out_.erase(m.topic);
    };
    if (client_max_packet_ != 0 && bytes.size() > client_max_packet_) {
        unsent();
        // Too large for the client: discarded as if delivered (MQTT 3.1.2.11.4).
        discard_delivery(d);
        return true;
    }
    ctx_.counters.messages_out.inc();
    ctx_.counters.bytes_out.inc(bytes.size());
    auto r = out_.push(std::move(bytes), d.qos == 0);
    if (r == net::write_queue::push_result::dropped) {
        unsent();
        return false;
    }
    if (r == net::write_queue::push_result::overflow) {
        ctx_.counters.slow_consumers.inc();
        close(wire::reason::quota_exceeded, "slow consumer: write queue full");
    }
    return true;
}

void connection::discard_delivery(const broker::delivery& d) {
    if (d.qos == 0) return;
    // The session expects an acknowledgement: give it one, after deliver() has returned.
    auto self = shared_from_this();
    auto id = d.packet_id;
    auto qos = d.qos;
    asio::post(transport_->executor(), [self, id, qos] {
        if (!self->session_) return;
        if (qos == 1) self->session_->on_puback(id);
        else if (self->session_->on_pubrec(id)) self->session_->on_pubcomp(id);
    });
}

void connection::release(std::uint16_t packet_id) {
    send(wire::pubrel{packet_id, wire::reason::success, {}});
}

} // namespace runnel::gateway::mqtt
