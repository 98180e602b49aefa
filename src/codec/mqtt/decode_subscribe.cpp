// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (MQTT 3.8-3.11).
// Filter syntax (wildcard placement, $share rules, length) is the session's job: it needs the
// broker's topic limits and answers with per-filter reason codes rather than a disconnect.
#include "decode_detail.hpp"

#include <utility>

namespace runnel::codec::mqtt::detail {
namespace {

subscription read_subscription(wire_reader& r) {
    subscription s;
    s.filter = r.utf8();
    std::uint8_t o = r.u8();
    if (r.failed()) return s;
    s.max_qos = o & 0x03;
    if (!r.v5()) {
        if ((o & 0xFC) != 0) r.malformed("reserved subscription option bits are set");
        else if (s.max_qos == 3) r.malformed("subscription QoS 3");
        return s;
    }
    s.no_local = (o & 0x04) != 0;
    s.retain_as_published = (o & 0x08) != 0;
    s.retain_handling = (o >> 4) & 0x03;
    if ((o & 0xC0) != 0) r.malformed("reserved subscription option bits are set");
    // v5 3.8.3.1 names these two protocol errors, not malformed packets.
    else if (s.max_qos == 3) r.fail(reason::protocol_error, "subscription QoS 3");
    else if (s.retain_handling == 3) r.fail(reason::protocol_error, "retain handling 3");
    return s;
}

/// SUBACK/UNSUBACK reason code list: at least one, one per filter of the request.
std::vector<std::uint8_t> read_codes(wire_reader& r) {
    std::string_view codes = r.rest();
    if (codes.empty() && !r.failed()) r.fail(reason::protocol_error, "no reason codes");
    return {codes.begin(), codes.end()};
}

} // namespace

packet decode_subscribe(wire_reader& r) {
    subscribe s;
    s.packet_id = read_packet_id(r);
    read_properties_v5(r, prop_scope::subscribe, s.props);
    if (r.at_end() && !r.failed()) r.fail(reason::protocol_error, "SUBSCRIBE without filters");
    while (!r.at_end()) s.subscriptions.push_back(read_subscription(r));
    return s;
}

packet decode_suback(wire_reader& r) {
    suback a;
    a.packet_id = read_packet_id(r);
    read_properties_v5(r, prop_scope::suback, a.props);
    a.reason_codes = read_codes(r);
    if (r.v5()) return a;
    for (std::uint8_t c : a.reason_codes)
        if (c > 2 && c != 0x80) r.malformed("reserved SUBACK return code");
    return a;
}

packet decode_unsubscribe(wire_reader& r) {
    unsubscribe u;
    u.packet_id = read_packet_id(r);
    read_properties_v5(r, prop_scope::unsubscribe, u.props);
    if (r.at_end() && !r.failed()) r.fail(reason::protocol_error, "UNSUBSCRIBE without filters");
    while (!r.at_end()) u.filters.push_back(r.utf8());
    return u;
}

packet decode_unsuback(wire_reader& r) {
    unsuback a;
    a.packet_id = read_packet_id(r);
    // 3.1.x UNSUBACK is the packet id alone; the driver rejects anything after it.
    if (!r.v5()) return a;
    read_properties(r, prop_scope::unsuback, a.props);
    a.reason_codes = read_codes(r);
    return a;
}

} // namespace runnel::codec::mqtt::detail
