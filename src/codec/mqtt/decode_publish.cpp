// PUBLISH and its acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP (MQTT 3.3-3.7).
#include "decode_detail.hpp"

#include <utility>

namespace runnel::codec::mqtt::detail {
namespace {

template <class Ack>
packet read_ack(wire_reader& r) {
    Ack a;
    a.packet_id = read_packet_id(r);
    // v5 3.4.2.1: remaining length 2 means Success without properties; 3 means a reason
    // code without properties.
    if (r.v5() && !r.at_end()) {
        a.reason_code = r.u8();
        if (!r.at_end()) read_properties(r, prop_scope::ack, a.props);
    }
    return a;
}

} // namespace

// Left to the session on purpose: topic wildcards and topic-name limits (needs its topic
// policy), an empty topic without a topic alias and alias ranges (needs alias state), a
// subscription identifier in a client's PUBLISH (depends on direction, MQTT-3.3.4-6), and
// payload format indicator 1 with a non-UTF-8 payload (reason 0x99 is a session decision).
packet decode_publish(wire_reader& r, std::uint8_t flags) {
    publish p;
    p.dup = (flags & 0x08) != 0;
    p.qos = (flags >> 1) & 0x03;
    p.retain = (flags & 0x01) != 0;
    p.topic = r.utf8();
    // 3.1.x has no topic aliases, so a topic name is always required there (MQTT-4.7.3-1).
    if (!r.failed() && !r.v5() && p.topic.empty()) r.malformed("empty topic name");
    if (p.qos > 0) p.packet_id = read_packet_id(r);
    read_properties_v5(r, prop_scope::publish, p.props);
    p.payload = std::string(r.rest());
    return p;
}

packet decode_ack(wire_reader& r, packet_type type) {
    switch (type) {
    case packet_type::puback: return read_ack<puback>(r);
    case packet_type::pubrec: return read_ack<pubrec>(r);
    case packet_type::pubrel: return read_ack<pubrel>(r);
    default: return read_ack<pubcomp>(r);
    }
}

} // namespace runnel::codec::mqtt::detail
