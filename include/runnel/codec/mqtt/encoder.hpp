#pragma once
/// Sans-I/O MQTT encoder: a packet value and the connection's protocol version in, wire bytes
/// out. v5-only fields (properties, reason codes other than the 3.1.1 ones) are left out when
/// encoding for 3.1.x, mapped as documented in packet.hpp.
#include "runnel/codec/mqtt/packet.hpp"

#include <cstddef>
#include <string>

namespace runnel::codec::mqtt {

/// Appends the encoded packet to `out`, growing it once by the exact size.
/// CONNECT is laid out for its own `ver` field (the version it announces); `v` is ignored for
/// it. For 3.1.x, properties and v5-only reason codes are dropped: acks are the packet id,
/// UNSUBACK has no payload, DISCONNECT has no body, SUBACK codes >= 0x80 become 0x80 and
/// CONNACK reason codes map to return codes 0..5 (unknown refusals become 3, server
/// unavailable). AUTH does not exist in 3.1.x and encodes as an empty body there.
/// Preconditions (the wire cannot carry more): every string and binary field <= 65535 bytes
/// and the body <= 268435455 bytes (both RUNNEL_ASSERTed in debug builds), QoS and retain
/// handling <= 2, nonzero packet ids where required. Decoded values always satisfy them;
/// the session checks anything it builds from other sources.
void encode(const packet& p, version v, std::string& out);

inline std::string encode(const packet& p, version v) {
    std::string out;
    encode(p, v, out);
    return out;
}

/// Size the encoded packet would have, without building it (for Maximum Packet Size checks).
std::size_t encoded_size(const packet& p, version v);

} // namespace runnel::codec::mqtt
