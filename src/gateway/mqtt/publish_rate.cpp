// limits.publish_rate on MQTT: a v5 QoS 1/2 publish over the rate gets PUBACK/PUBREC 0x96
// (message rate too high) and is not published; where MQTT has no negative acknowledgement
// (3.1.1, QoS 0) the reader stops until the bucket has a token, so TCP slows the client down and
// nothing is lost or answered wrongly.
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/obs/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace runnel::gateway::mqtt {
namespace asio = boost::asio;

asio::awaitable<bool> connection::pace_publish(wire::publish& p) {
    if (publish_bucket_.unlimited()) co_return true;
    // A refused publish may still name a topic alias the next ones use: learn it first
    // (handle_publish resolves again, which is then a no-op).
    if (!resolve_topic_alias(p)) co_return false;
    auto now = std::chrono::steady_clock::now();
    if (publish_bucket_.try_take(now)) co_return true;
    // Not a QoS 2 resend (DUP): it may be one we already have, and refusing that would tell
    // the client a delivered message was not; it waits for its token like QoS 0 instead.
    if (v5() && (p.qos == 1 || (p.qos == 2 && !p.dup))) {
        auto why = problem(ctx_.guard.refuse_publish_rate(publish_bucket_.wait(now)));
        RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} publish refused: rate", client_id_);
        if (p.qos == 1) send(wire::puback{p.packet_id, wire::reason::message_rate_too_high, {.reason_string = why}});
        else send(wire::pubrec{p.packet_id, wire::reason::message_rate_too_high, {.reason_string = why}});
        co_return false;
    }
    ctx_.guard.hit(limits::limit::publish_rate);
    // Each round waits exactly until the next token, so this ends unless the connection closes.
    while (!closing_) {
        pace_.expires_after(publish_bucket_.wait(now));
        co_await pace_.async_wait(asio::as_tuple(asio::use_awaitable));
        now = std::chrono::steady_clock::now();
        last_seen_ = now; // the client is not silent: we are the ones not reading
        if (!closing_ && publish_bucket_.try_take(now)) co_return true;
    }
    co_return false;
}

} // namespace runnel::gateway::mqtt
