// MQTT 5.0 property blocks (spec 2.2.2): which ids each packet may carry, duplicates, and
// the value ranges the spec calls protocol errors.
#include "decode_detail.hpp"

#include <initializer_list>
#include <optional>
#include <utility>

namespace runnel::codec::mqtt::detail {
namespace {

constexpr std::uint64_t bits(std::initializer_list<int> ids) {
    std::uint64_t m = 0;
    for (int id : ids) m |= std::uint64_t{1} << id;
    return m;
}

// Property ids allowed per scope (spec table 2.2.2.2). User property (0x26) is allowed in all.
constexpr std::uint64_t user = bits({0x26});
constexpr std::uint64_t message_props = bits({0x01, 0x02, 0x03, 0x08, 0x09});
constexpr std::uint64_t allowed_connect =
    user | bits({0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x27});
constexpr std::uint64_t allowed_will = user | message_props | bits({0x18});
constexpr std::uint64_t allowed_connack =
    user | bits({0x11, 0x12, 0x13, 0x15, 0x16, 0x1A, 0x1C, 0x1F, 0x21, 0x22, 0x24, 0x25, 0x27,
                 0x28, 0x29, 0x2A});
constexpr std::uint64_t allowed_publish = user | message_props | bits({0x0B, 0x23});
constexpr std::uint64_t allowed_reason_only = user | bits({0x1F});
constexpr std::uint64_t allowed_subscribe = user | bits({0x0B});
constexpr std::uint64_t allowed_disconnect = user | bits({0x11, 0x1C, 0x1F});
constexpr std::uint64_t allowed_auth = user | bits({0x15, 0x16, 0x1F});

constexpr std::uint64_t known = allowed_connect | allowed_will | allowed_connack |
                                allowed_publish | allowed_subscribe | allowed_disconnect |
                                allowed_auth;

constexpr bool has(std::uint64_t mask, std::uint32_t id) {
    return id < 64 && (mask & (std::uint64_t{1} << id)) != 0;
}

constexpr std::uint64_t allowed(prop_scope s) {
    switch (s) {
    case prop_scope::connect: return allowed_connect;
    case prop_scope::will: return allowed_will;
    case prop_scope::connack: return allowed_connack;
    case prop_scope::publish: return allowed_publish;
    case prop_scope::subscribe: return allowed_subscribe;
    case prop_scope::unsubscribe: return user;
    case prop_scope::disconnect: return allowed_disconnect;
    case prop_scope::auth: return allowed_auth;
    case prop_scope::ack:
    case prop_scope::suback:
    case prop_scope::unsuback: return allowed_reason_only;
    }
    return 0;
}

template <class T>
void set_once(wire_reader& r, std::optional<T>& slot, T value) {
    if (r.failed()) return;
    if (slot) return r.fail(reason::protocol_error, "duplicate property");
    slot = std::move(value);
}

/// Byte properties whose only legal values are 0 and 1.
std::uint8_t flag_byte(wire_reader& r) {
    std::uint8_t v = r.u8();
    if (v > 1) r.fail(reason::protocol_error, "property value must be 0 or 1");
    return v;
}

/// Two- and four-byte properties for which 0 is a protocol error.
template <class T>
T nonzero(wire_reader& r, T v) {
    if (v == 0 && !r.failed()) r.fail(reason::protocol_error, "property value must not be 0");
    return v;
}

void read_subscription_id(wire_reader& r, prop_scope scope, properties& p) {
    std::uint32_t id = nonzero(r, r.varint());
    if (r.failed()) return;
    // Only PUBLISH carries several (one per matching subscription, spec 3.3.2.3.8).
    if (scope != prop_scope::publish && !p.subscription_identifiers.empty())
        return r.fail(reason::protocol_error, "duplicate subscription identifier");
    p.subscription_identifiers.push_back(id);
}

void read_user_property(wire_reader& r, properties& p) {
    std::string name = r.utf8();
    std::string value = r.utf8();
    if (!r.failed()) p.user_properties.emplace_back(std::move(name), std::move(value));
}

void read_one(wire_reader& r, std::uint32_t id, prop_scope scope, properties& p) {
    switch (id) {
    case 0x01: return set_once(r, p.payload_format_indicator, flag_byte(r));
    case 0x02: return set_once(r, p.message_expiry_interval, r.u32());
    case 0x03: return set_once(r, p.content_type, r.utf8());
    case 0x08: return set_once(r, p.response_topic, r.utf8());
    case 0x09: return set_once(r, p.correlation_data, r.binary());
    case 0x0B: return read_subscription_id(r, scope, p);
    case 0x11: return set_once(r, p.session_expiry_interval, r.u32());
    case 0x12: return set_once(r, p.assigned_client_identifier, r.utf8());
    case 0x13: return set_once(r, p.server_keep_alive, r.u16());
    case 0x15: return set_once(r, p.authentication_method, r.utf8());
    case 0x16: return set_once(r, p.authentication_data, r.binary());
    case 0x17: return set_once(r, p.request_problem_information, flag_byte(r));
    case 0x18: return set_once(r, p.will_delay_interval, r.u32());
    case 0x19: return set_once(r, p.request_response_information, flag_byte(r));
    case 0x1A: return set_once(r, p.response_information, r.utf8());
    case 0x1C: return set_once(r, p.server_reference, r.utf8());
    case 0x1F: return set_once(r, p.reason_string, r.utf8());
    case 0x21: return set_once(r, p.receive_maximum, nonzero(r, r.u16()));
    case 0x22: return set_once(r, p.topic_alias_maximum, r.u16());
    case 0x23: return set_once(r, p.topic_alias, nonzero(r, r.u16()));
    case 0x24: return set_once(r, p.maximum_qos, flag_byte(r));
    case 0x25: return set_once(r, p.retain_available, flag_byte(r));
    case 0x26: return read_user_property(r, p);
    case 0x27: return set_once(r, p.maximum_packet_size, nonzero(r, r.u32()));
    case 0x28: return set_once(r, p.wildcard_subscription_available, flag_byte(r));
    case 0x29: return set_once(r, p.subscription_identifier_available, flag_byte(r));
    case 0x2A: return set_once(r, p.shared_subscription_available, flag_byte(r));
    default: return r.fail(reason::protocol_error, "unknown property identifier");
    }
}

} // namespace

void read_properties(wire_reader& r, prop_scope scope, properties& out) {
    std::uint32_t length = r.varint();
    wire_reader block = r.take(length);
    const std::uint64_t mask = allowed(scope);
    while (!block.at_end()) {
        std::uint32_t id = block.varint();
        if (block.failed()) break;
        if (!has(mask, id)) {
            block.fail(reason::protocol_error, has(known, id) ? "property not allowed in this packet"
                                                              : "unknown property identifier");
            break;
        }
        read_one(block, id, scope, out);
    }
    r.absorb(block);
}

} // namespace runnel::codec::mqtt::detail
