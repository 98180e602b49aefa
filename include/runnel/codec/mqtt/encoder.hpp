#pragma once
/// Sans-I/O MQTT encoder: a packet value and the connection's protocol version in, wire bytes
/// out. v5-only fields (properties, reason codes other than the 3.1.1 ones) are left out when
/// encoding for 3.1.x, mapped as documented in packet.hpp.
#include "runnel/codec/mqtt/packet.hpp"

#include <cstddef>
#include <string>

namespace runnel::codec::mqtt {

/// Appends the encoded packet to `out`.
void encode(const packet& p, version v, std::string& out);

inline std::string encode(const packet& p, version v) {
    std::string out;
    encode(p, v, out);
    return out;
}

/// Size the encoded packet would have, without building it (for Maximum Packet Size checks).
std::size_t encoded_size(const packet& p, version v);

} // namespace runnel::codec::mqtt
