#pragma once
/// Internal interface between the decoder's fixed-header driver (decoder.cpp) and the
/// per-family body decoders (decode_connect.cpp, decode_publish.cpp, decode_subscribe.cpp,
/// decode_control.cpp) and the property reader (decode_properties.cpp).
/// Body decoders read through a wire_reader and report problems with r.fail(); the driver
/// turns a latched failure or unread trailing bytes into a decode_error. The packet they
/// return is meaningless once the reader failed.
#include "runnel/codec/mqtt/packet.hpp"
#include "wire_reader.hpp"

#include <cstdint>

namespace runnel::codec::mqtt::detail {

/// Which packet (or will) a property block belongs to; selects the allowed property ids.
enum class prop_scope : std::uint8_t {
    connect, will, connack, publish, ack, subscribe, suback, unsubscribe, unsuback, disconnect, auth
};

/// Reads a v5 property block (length + id/value pairs) into `out`. Ids not allowed in `scope`,
/// unknown ids, duplicates of single-valued properties and out-of-range values are protocol
/// errors; bad UTF-8 and truncation are malformed.
void read_properties(wire_reader& r, prop_scope scope, properties& out);

/// Reads a v5 property block only when the reader is in v5 mode.
inline void read_properties_v5(wire_reader& r, prop_scope scope, properties& out) {
    if (r.v5()) read_properties(r, scope, out);
}

/// Packet ids of QoS>0 PUBLISH, acks and (un)subscribes must be nonzero (MQTT 2.2.1).
inline std::uint16_t read_packet_id(wire_reader& r) {
    std::uint16_t id = r.u16();
    if (id == 0 && !r.failed()) r.malformed("packet identifier is 0");
    return id;
}

packet decode_connect(wire_reader& r);
packet decode_connack(wire_reader& r);
packet decode_publish(wire_reader& r, std::uint8_t flags);
packet decode_ack(wire_reader& r, packet_type type);
packet decode_subscribe(wire_reader& r);
packet decode_suback(wire_reader& r);
packet decode_unsubscribe(wire_reader& r);
packet decode_unsuback(wire_reader& r);
packet decode_disconnect(wire_reader& r);
packet decode_auth(wire_reader& r);

/// 3.1.1 CONNACK return code (0..5) -> v5 reason code; reason::malformed_packet when reserved.
std::uint8_t connack_code_from_v311(std::uint8_t rc) noexcept;

} // namespace runnel::codec::mqtt::detail
