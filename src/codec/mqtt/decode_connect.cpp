// CONNECT and CONNACK bodies (MQTT 3.1 section 3.1/3.2 of 3.1.1 and 5.0).
#include "decode_detail.hpp"

#include <iterator>
#include <utility>

namespace runnel::codec::mqtt::detail {
namespace {

/// Protocol name + level. An unknown name means this is not MQTT at all (malformed); a known
/// name with an unknown level is the one case CONNACK 0x84 / return code 1 exists for.
version read_protocol(wire_reader& r) {
    std::string_view name = r.binary_view();
    std::uint8_t level = r.u8();
    if (r.failed()) return version::v311;
    if (name == "MQTT") {
        if (level == 4) return version::v311;
        if (level == 5) return version::v5;
    } else if (name == "MQIsdp") {
        if (level == 3) return version::v31;
    } else {
        r.malformed("unknown protocol name");
        return version::v311;
    }
    r.fail(reason::unsupported_protocol_version, "unsupported protocol level");
    return version::v311;
}

struct connect_flags {
    bool user_name = false;
    bool password = false;
    bool will = false;
};

connect_flags read_connect_flags(wire_reader& r, version v, connect& c, will_message& w) {
    std::uint8_t b = r.u8();
    connect_flags f{.user_name = (b & 0x80) != 0, .password = (b & 0x40) != 0,
                    .will = (b & 0x04) != 0};
    w.retain = (b & 0x20) != 0;
    w.qos = (b >> 3) & 0x03;
    c.clean_start = (b & 0x02) != 0;
    if (r.failed()) return f;
    if ((b & 0x01) != 0) r.malformed("CONNECT reserved flag is set");
    if (w.qos == 3) r.malformed("will QoS 3");
    if (!f.will && (w.qos != 0 || w.retain)) r.malformed("will QoS/retain set without will flag");
    // 3.1.x forbids a password without a user name (3.1.1 MQTT-3.1.2-22); 5.0 allows it.
    if (v != version::v5 && f.password && !f.user_name)
        r.malformed("password flag set without user name flag");
    return f;
}

} // namespace

packet decode_connect(wire_reader& r) {
    connect c;
    c.ver = read_protocol(r);
    // The body's layout follows the version it declares, not the decoder's current one.
    r.set_version(c.ver);
    will_message w;
    connect_flags f = read_connect_flags(r, c.ver, c, w);
    c.keep_alive = r.u16();
    read_properties_v5(r, prop_scope::connect, c.props);
    c.client_id = r.utf8();
    if (f.will) {
        read_properties_v5(r, prop_scope::will, w.props);
        w.topic = r.utf8();
        w.payload = r.binary();
        c.will = std::move(w);
    }
    if (f.user_name) c.username = r.utf8();
    if (f.password) c.password = r.binary();
    return c;
}

std::uint8_t connack_code_from_v311(std::uint8_t rc) noexcept {
    static constexpr std::uint8_t map[] = {
        reason::success,
        reason::unsupported_protocol_version,
        reason::client_identifier_not_valid,
        reason::server_unavailable,
        reason::bad_user_name_or_password,
        reason::not_authorized,
    };
    return rc < std::size(map) ? map[rc] : reason::malformed_packet;
}

packet decode_connack(wire_reader& r) {
    connack a;
    std::uint8_t flags = r.u8();
    std::uint8_t code = r.u8();
    if (r.failed()) return a;
    if ((flags & 0xFE) != 0) r.malformed("CONNACK reserved flags are set");
    a.session_present = (flags & 0x01) != 0;
    if (r.v5()) {
        a.reason_code = code;
        read_properties(r, prop_scope::connack, a.props);
    } else {
        a.reason_code = connack_code_from_v311(code);
        if (a.reason_code == reason::malformed_packet) r.malformed("reserved CONNACK return code");
    }
    return a;
}

} // namespace runnel::codec::mqtt::detail
