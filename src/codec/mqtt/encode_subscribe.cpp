// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK bodies.
#include "wire_writer.hpp"

namespace runnel::codec::mqtt::detail {
namespace {

std::uint8_t options_byte(const subscription& sub, version v) {
    auto o = static_cast<std::uint8_t>(sub.max_qos & 0x03);
    if (v != version::v5) return o; // 3.1.x has only the QoS bits
    if (sub.no_local) o |= 0x04;
    if (sub.retain_as_published) o |= 0x08;
    o |= static_cast<std::uint8_t>((sub.retain_handling & 0x03) << 4);
    return o;
}

/// 3.1.1 SUBACK knows only granted QoS 0..2 and 0x80 "failure".
std::uint8_t suback_code(std::uint8_t c, version v) {
    if (v == version::v5 || c <= 2) return c;
    return 0x80;
}

} // namespace

template <class S>
void put_body(S& s, const subscribe& p, version v) {
    put_u16(s, p.packet_id);
    if (v == version::v5) put_properties(s, p.props);
    for (const auto& sub : p.subscriptions) {
        put_string(s, sub.filter);
        s.byte(options_byte(sub, v));
    }
}

template <class S>
void put_body(S& s, const suback& p, version v) {
    put_u16(s, p.packet_id);
    if (v == version::v5) put_properties(s, p.props);
    for (std::uint8_t c : p.reason_codes) s.byte(suback_code(c, v));
}

template <class S>
void put_body(S& s, const unsubscribe& p, version v) {
    put_u16(s, p.packet_id);
    if (v == version::v5) put_properties(s, p.props);
    for (const auto& f : p.filters) put_string(s, f);
}

template <class S>
void put_body(S& s, const unsuback& p, version v) {
    put_u16(s, p.packet_id);
    if (v != version::v5) return; // 3.1.x UNSUBACK is the packet id alone
    put_properties(s, p.props);
    for (std::uint8_t c : p.reason_codes) s.byte(c);
}

template void put_body(size_sink&, const subscribe&, version);
template void put_body(buffer_sink&, const subscribe&, version);
template void put_body(size_sink&, const suback&, version);
template void put_body(buffer_sink&, const suback&, version);
template void put_body(size_sink&, const unsubscribe&, version);
template void put_body(buffer_sink&, const unsubscribe&, version);
template void put_body(size_sink&, const unsuback&, version);
template void put_body(buffer_sink&, const unsuback&, version);

} // namespace runnel::codec::mqtt::detail
