// Fixed header, remaining length, size limit and dispatch to the per-family body decoders.
// The body decoders live in decode_*.cpp; this file owns the framing rules (MQTT 2.1).
#include "runnel/codec/mqtt/decoder.hpp"

#include "decode_detail.hpp"

#include <utility>

namespace runnel::codec::mqtt {
namespace {

using detail::wire_reader;

decode_error error(std::uint8_t reason_code, const char* why) { return {reason_code, why}; }

bool is_v5(version v) { return v == version::v5; }

/// Fixed-header flag rules (MQTT 2.1.3): checked from the first byte alone, so garbage is
/// rejected before we wait for a body that may never come. Returns nullptr when valid.
const char* check_first_byte(std::uint8_t type, std::uint8_t flags, version v) {
    switch (static_cast<packet_type>(type)) {
    case packet_type::publish: {
        std::uint8_t qos = (flags >> 1) & 0x03;
        if (qos == 3) return "PUBLISH with QoS 3";
        if (qos == 0 && (flags & 0x08) != 0) return "PUBLISH QoS 0 with DUP set";
        return nullptr;
    }
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
        return flags == 0x02 ? nullptr : "reserved fixed-header flags must be 0010";
    case packet_type::auth:
        if (!is_v5(v)) return "AUTH is not an MQTT 3.1.x packet";
        [[fallthrough]];
    default:
        if (type == 0) return "packet type 0 is reserved";
        return flags == 0 ? nullptr : "reserved fixed-header flags must be 0000";
    }
}

packet decode_body(wire_reader& r, std::uint8_t type, std::uint8_t flags) {
    switch (static_cast<packet_type>(type)) {
    case packet_type::connect: return detail::decode_connect(r);
    case packet_type::connack: return detail::decode_connack(r);
    case packet_type::publish: return detail::decode_publish(r, flags);
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp: return detail::decode_ack(r, static_cast<packet_type>(type));
    case packet_type::subscribe: return detail::decode_subscribe(r);
    case packet_type::suback: return detail::decode_suback(r);
    case packet_type::unsubscribe: return detail::decode_unsubscribe(r);
    case packet_type::unsuback: return detail::decode_unsuback(r);
    case packet_type::pingreq: return pingreq{};
    case packet_type::pingresp: return pingresp{};
    case packet_type::disconnect: return detail::decode_disconnect(r);
    case packet_type::auth: return detail::decode_auth(r);
    }
    // Unreachable: check_first_byte() rejected type 0 and every 4-bit value is listed above.
    r.malformed("unknown packet type");
    return pingreq{};
}

} // namespace

decode_step decoder::next(std::string_view in, std::size_t& consumed) {
    consumed = 0;
    if (in.empty()) return need_more{};
    auto first = static_cast<std::uint8_t>(in[0]);
    std::uint8_t type = first >> 4;
    std::uint8_t flags = first & 0x0F;
    if (const char* why = check_first_byte(type, flags, version_))
        return error(reason::malformed_packet, why);

    std::uint32_t remaining = 0;
    std::size_t len_bytes = 0;
    switch (detail::parse_varint(in.substr(1), remaining, len_bytes)) {
    case detail::varint_status::ok: break;
    case detail::varint_status::incomplete: return need_more{};
    case detail::varint_status::too_long:
        return error(reason::malformed_packet, "remaining length longer than 4 bytes");
    case detail::varint_status::not_minimal:
        return error(reason::malformed_packet, "remaining length not minimally encoded");
    }
    // Checked before the body arrives so an oversized packet is never buffered.
    std::size_t total = 1 + len_bytes + remaining;
    if (total > limits_.max_packet_size)
        return error(reason::packet_too_large, "packet exceeds the maximum packet size");
    if (in.size() < total) return need_more{};

    wire_reader r(in.substr(1 + len_bytes, remaining), version_);
    packet p = decode_body(r, type, flags);
    if (!r.failed() && !r.at_end()) r.malformed("trailing bytes after the packet body");
    if (r.failed()) return error(r.error_reason(), r.error_message());

    // CONNECT fixes the protocol version for the rest of the connection.
    if (auto* c = std::get_if<connect>(&p)) version_ = c->ver;
    consumed = total;
    return decode_step{std::in_place_type<packet>, std::move(p)};
}

} // namespace runnel::codec::mqtt
