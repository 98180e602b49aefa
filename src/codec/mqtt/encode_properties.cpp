// MQTT 5.0 property blocks on the wire (spec 2.2.2), written in property id order.
#include "wire_writer.hpp"

#include <type_traits>

namespace runnel::codec::mqtt::detail {
namespace {

template <class S>
void put_byte_prop(S& s, std::uint8_t id, const std::optional<std::uint8_t>& v) {
    if (!v) return;
    s.byte(id);
    s.byte(*v);
}

template <class S>
void put_u16_prop(S& s, std::uint8_t id, const std::optional<std::uint16_t>& v) {
    if (!v) return;
    s.byte(id);
    put_u16(s, *v);
}

template <class S>
void put_u32_prop(S& s, std::uint8_t id, const std::optional<std::uint32_t>& v) {
    if (!v) return;
    s.byte(id);
    put_u32(s, *v);
}

template <class S>
void put_string_prop(S& s, std::uint8_t id, const std::optional<std::string>& v) {
    if (!v) return;
    s.byte(id);
    put_string(s, *v);
}

template <class S>
void put_fields(S& s, const properties& p) {
    put_byte_prop(s, 0x01, p.payload_format_indicator);
    put_u32_prop(s, 0x02, p.message_expiry_interval);
    put_string_prop(s, 0x03, p.content_type);
    put_string_prop(s, 0x08, p.response_topic);
    put_string_prop(s, 0x09, p.correlation_data);
    for (std::uint32_t id : p.subscription_identifiers) {
        s.byte(0x0B);
        put_varint(s, id);
    }
    put_u32_prop(s, 0x11, p.session_expiry_interval);
    put_string_prop(s, 0x12, p.assigned_client_identifier);
    put_u16_prop(s, 0x13, p.server_keep_alive);
    put_string_prop(s, 0x15, p.authentication_method);
    put_string_prop(s, 0x16, p.authentication_data);
    put_byte_prop(s, 0x17, p.request_problem_information);
    put_u32_prop(s, 0x18, p.will_delay_interval);
    put_byte_prop(s, 0x19, p.request_response_information);
    put_string_prop(s, 0x1A, p.response_information);
    put_string_prop(s, 0x1C, p.server_reference);
    put_string_prop(s, 0x1F, p.reason_string);
    put_u16_prop(s, 0x21, p.receive_maximum);
    put_u16_prop(s, 0x22, p.topic_alias_maximum);
    put_u16_prop(s, 0x23, p.topic_alias);
    put_byte_prop(s, 0x24, p.maximum_qos);
    put_byte_prop(s, 0x25, p.retain_available);
    for (const auto& [name, value] : p.user_properties) {
        s.byte(0x26);
        put_string(s, name);
        put_string(s, value);
    }
    put_u32_prop(s, 0x27, p.maximum_packet_size);
    put_byte_prop(s, 0x28, p.wildcard_subscription_available);
    put_byte_prop(s, 0x29, p.subscription_identifier_available);
    put_byte_prop(s, 0x2A, p.shared_subscription_available);
}

} // namespace

template <class S>
void put_properties(S& s, const properties& p) {
    // The length prefix needs the content size first; a sizing pass is cheaper than building
    // the block in a temporary string.
    size_sink content;
    put_fields(content, p);
    put_varint(s, content.size());
    if constexpr (std::is_same_v<S, size_sink>)
        s.skip(content.size());
    else
        put_fields(s, p);
}

template void put_properties(size_sink&, const properties&);
template void put_properties(buffer_sink&, const properties&);

bool no_properties(const properties& p) noexcept {
    size_sink content;
    put_fields(content, p);
    return content.size() == 0;
}

} // namespace runnel::codec::mqtt::detail
