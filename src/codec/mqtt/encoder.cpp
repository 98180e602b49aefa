// Encoder entry points, the fixed header, and the bodies on the per-subscriber hot path
// (PUBLISH and its acks) kept in this file so they inline into encode(). CONNECT/CONNACK and
// the subscribe family are in encode_connect.cpp and encode_subscribe.cpp.
#include "runnel/codec/mqtt/encoder.hpp"

#include "wire_writer.hpp"

#include <variant>

namespace runnel::codec::mqtt {
namespace detail {

inline bool is_v5(version v) { return v == version::v5; }

template <class S>
void put_body(S& s, const publish& p, version v) {
    put_string(s, p.topic);
    if (p.qos > 0) put_u16(s, p.packet_id); // QoS 0 carries no packet id
    if (is_v5(v)) put_properties(s, p.props);
    s.bytes(p.payload);
}

/// v5 short forms (3.4.2.1 and friends): reason 0x00 without properties is the packet id
/// alone; a reason without properties omits the property length.
template <class S, packet_type T>
void put_body(S& s, const basic_ack<T>& a, version v) {
    put_u16(s, a.packet_id);
    if (!is_v5(v)) return;
    const bool props = !no_properties(a.props);
    if (a.reason_code == reason::success && !props) return;
    s.byte(a.reason_code);
    if (props) put_properties(s, a.props);
}

/// DISCONNECT and AUTH: no body in 3.1.x; in v5 the same short forms as the acks, without a
/// packet id.
template <class S, class P>
void put_reason_body(S& s, const P& p, version v) {
    if (!is_v5(v)) return;
    const bool props = !no_properties(p.props);
    if (p.reason_code == reason::success && !props) return;
    s.byte(p.reason_code);
    if (props) put_properties(s, p.props);
}

template <class S> void put_body(S& s, const disconnect& p, version v) { put_reason_body(s, p, v); }
template <class S> void put_body(S& s, const auth& p, version v) { put_reason_body(s, p, v); }
template <class S> void put_body(S&, const pingreq&, version) {}
template <class S> void put_body(S&, const pingresp&, version) {}

namespace {

std::uint8_t first_byte(const packet& p) {
    auto type = static_cast<std::uint8_t>(type_of(p));
    auto b = static_cast<std::uint8_t>(type << 4);
    if (const auto* pub = std::get_if<publish>(&p)) {
        if (pub->dup) b |= 0x08;
        b |= static_cast<std::uint8_t>((pub->qos & 0x03) << 1);
        if (pub->retain) b |= 0x01;
        return b;
    }
    switch (static_cast<packet_type>(type)) {
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe: return b | 0x02; // fixed by the spec (2.1.3)
    default: return b;
    }
}

std::size_t body_size(const packet& p, version v) {
    size_sink n;
    std::visit([&](const auto& pkt) { put_body(n, pkt, v); }, p);
    return n.size();
}

} // namespace
} // namespace detail

void encode(const packet& p, version v, std::string& out) {
    const std::size_t body = detail::body_size(p, v);
    const std::size_t old = out.size();
    // Sized exactly up front: the body is written in place, with no temporary strings.
    out.resize(old + 1 + detail::varint_size(body) + body);
    detail::buffer_sink w(out.data() + old);
    w.byte(detail::first_byte(p));
    detail::put_varint(w, body);
    std::visit([&](const auto& pkt) { detail::put_body(w, pkt, v); }, p);
    RUNNEL_ASSERT(w.pos() == out.data() + out.size());
}

std::size_t encoded_size(const packet& p, version v) {
    const std::size_t body = detail::body_size(p, v);
    return 1 + detail::varint_size(body) + body;
}

} // namespace runnel::codec::mqtt
