// CONNECT and CONNACK bodies. CONNECT is laid out for its own `ver` field (the version it
// announces), not for the connection's current version.
#include "wire_writer.hpp"

namespace runnel::codec::mqtt::detail {
namespace {

std::uint8_t connect_flags(const connect& c) {
    std::uint8_t f = 0;
    if (c.username) f |= 0x80;
    if (c.password) f |= 0x40;
    if (c.will) {
        f |= 0x04;
        f |= static_cast<std::uint8_t>((c.will->qos & 0x03) << 3);
        if (c.will->retain) f |= 0x20;
    }
    if (c.clean_start) f |= 0x02;
    return f;
}

} // namespace

template <class S>
void put_body(S& s, const connect& c, version /*ignored: c.ver decides*/) {
    const bool v5 = c.ver == version::v5;
    put_string(s, c.ver == version::v31 ? "MQIsdp" : "MQTT");
    s.byte(static_cast<std::uint8_t>(c.ver));
    s.byte(connect_flags(c));
    put_u16(s, c.keep_alive);
    if (v5) put_properties(s, c.props);
    put_string(s, c.client_id);
    if (c.will) {
        if (v5) put_properties(s, c.will->props);
        put_string(s, c.will->topic);
        put_string(s, c.will->payload);
    }
    if (c.username) put_string(s, *c.username);
    if (c.password) put_string(s, *c.password);
}

std::uint8_t connack_code_to_v311(std::uint8_t reason_code) noexcept {
    switch (reason_code) {
    case reason::success: return 0;
    case reason::unsupported_protocol_version: return 1;
    case reason::client_identifier_not_valid: return 2;
    case reason::server_unavailable: return 3;
    case reason::bad_user_name_or_password: return 4;
    case reason::not_authorized:
    case reason::banned:
    case reason::bad_authentication_method: return 5; // permission-type refusals
    default: return 3;                                // "server unavailable" is the safe catch-all
    }
}

template <class S>
void put_body(S& s, const connack& c, version v) {
    s.byte(c.session_present ? 0x01 : 0x00);
    if (v != version::v5) {
        s.byte(connack_code_to_v311(c.reason_code));
        return;
    }
    s.byte(c.reason_code);
    put_properties(s, c.props);
}

template void put_body(size_sink&, const connect&, version);
template void put_body(buffer_sink&, const connect&, version);
template void put_body(size_sink&, const connack&, version);
template void put_body(buffer_sink&, const connack&, version);

} // namespace runnel::codec::mqtt::detail
