#pragma once
/// MQTT 3.1, 3.1.1 and 5.0 control packets as plain values. One struct per packet type; the
/// 3.1.x forms are the 5.0 forms with empty properties and reason codes limited to what 3.1.1
/// can carry. The decoder and encoder (decoder.hpp, encoder.hpp) are the only code that knows
/// the wire layout. No I/O, no allocation policy, no logging.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace runnel::codec::mqtt {

/// The protocol level byte of CONNECT.
enum class version : std::uint8_t { v31 = 3, v311 = 4, v5 = 5 };

enum class packet_type : std::uint8_t {
    connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp,
    subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth
};

/// MQTT 5.0 reason codes (spec 2.4). 3.1.1 CONNACK return codes are mapped by the encoder.
namespace reason {
inline constexpr std::uint8_t success = 0x00;
inline constexpr std::uint8_t granted_qos1 = 0x01;
inline constexpr std::uint8_t granted_qos2 = 0x02;
inline constexpr std::uint8_t disconnect_with_will = 0x04;
inline constexpr std::uint8_t no_matching_subscribers = 0x10;
inline constexpr std::uint8_t no_subscription_existed = 0x11;
inline constexpr std::uint8_t continue_authentication = 0x18;
inline constexpr std::uint8_t unspecified_error = 0x80;
inline constexpr std::uint8_t malformed_packet = 0x81;
inline constexpr std::uint8_t protocol_error = 0x82;
inline constexpr std::uint8_t implementation_specific_error = 0x83;
inline constexpr std::uint8_t unsupported_protocol_version = 0x84;
inline constexpr std::uint8_t client_identifier_not_valid = 0x85;
inline constexpr std::uint8_t bad_user_name_or_password = 0x86;
inline constexpr std::uint8_t not_authorized = 0x87;
inline constexpr std::uint8_t server_unavailable = 0x88;
inline constexpr std::uint8_t server_busy = 0x89;
inline constexpr std::uint8_t banned = 0x8A;
inline constexpr std::uint8_t server_shutting_down = 0x8B;
inline constexpr std::uint8_t bad_authentication_method = 0x8C;
inline constexpr std::uint8_t keep_alive_timeout = 0x8D;
inline constexpr std::uint8_t session_taken_over = 0x8E;
inline constexpr std::uint8_t topic_filter_invalid = 0x8F;
inline constexpr std::uint8_t topic_name_invalid = 0x90;
inline constexpr std::uint8_t packet_identifier_in_use = 0x91;
inline constexpr std::uint8_t packet_identifier_not_found = 0x92;
inline constexpr std::uint8_t receive_maximum_exceeded = 0x93;
inline constexpr std::uint8_t topic_alias_invalid = 0x94;
inline constexpr std::uint8_t packet_too_large = 0x95;
inline constexpr std::uint8_t message_rate_too_high = 0x96;
inline constexpr std::uint8_t quota_exceeded = 0x97;
inline constexpr std::uint8_t administrative_action = 0x98;
inline constexpr std::uint8_t payload_format_invalid = 0x99;
inline constexpr std::uint8_t retain_not_supported = 0x9A;
inline constexpr std::uint8_t qos_not_supported = 0x9B;
inline constexpr std::uint8_t use_another_server = 0x9C;
inline constexpr std::uint8_t server_moved = 0x9D;
inline constexpr std::uint8_t shared_subscriptions_not_supported = 0x9E;
inline constexpr std::uint8_t connection_rate_exceeded = 0x9F;
inline constexpr std::uint8_t maximum_connect_time = 0xA0;
inline constexpr std::uint8_t subscription_identifiers_not_supported = 0xA1;
inline constexpr std::uint8_t wildcard_subscriptions_not_supported = 0xA2;
} // namespace reason

/// Every MQTT 5.0 property (spec 2.2.2.2). Which ones a packet may carry is checked by the
/// decoder; an absent optional is an absent property. Binary data travels in std::string.
struct properties {
    std::optional<std::uint8_t> payload_format_indicator;          // 0x01
    std::optional<std::uint32_t> message_expiry_interval;          // 0x02
    std::optional<std::string> content_type;                       // 0x03
    std::optional<std::string> response_topic;                     // 0x08
    std::optional<std::string> correlation_data;                   // 0x09
    std::vector<std::uint32_t> subscription_identifiers;           // 0x0B, repeated in PUBLISH
    std::optional<std::uint32_t> session_expiry_interval;          // 0x11
    std::optional<std::string> assigned_client_identifier;         // 0x12
    std::optional<std::uint16_t> server_keep_alive;                // 0x13
    std::optional<std::string> authentication_method;              // 0x15
    std::optional<std::string> authentication_data;                // 0x16
    std::optional<std::uint8_t> request_problem_information;       // 0x17
    std::optional<std::uint32_t> will_delay_interval;              // 0x18
    std::optional<std::uint8_t> request_response_information;      // 0x19
    std::optional<std::string> response_information;               // 0x1A
    std::optional<std::string> server_reference;                   // 0x1C
    std::optional<std::string> reason_string;                      // 0x1F
    std::optional<std::uint16_t> receive_maximum;                  // 0x21
    std::optional<std::uint16_t> topic_alias_maximum;              // 0x22
    std::optional<std::uint16_t> topic_alias;                      // 0x23
    std::optional<std::uint8_t> maximum_qos;                       // 0x24
    std::optional<std::uint8_t> retain_available;                  // 0x25
    std::vector<std::pair<std::string, std::string>> user_properties; // 0x26, repeated, ordered
    std::optional<std::uint32_t> maximum_packet_size;              // 0x27
    std::optional<std::uint8_t> wildcard_subscription_available;   // 0x28
    std::optional<std::uint8_t> subscription_identifier_available; // 0x29
    std::optional<std::uint8_t> shared_subscription_available;     // 0x2A

    bool operator==(const properties&) const = default;
};

struct will_message {
    std::string topic;
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
    properties props; // will properties (v5)
    bool operator==(const will_message&) const = default;
};

struct connect {
    version ver = version::v311;
    bool clean_start = true; // "clean session" in 3.1.x
    std::uint16_t keep_alive = 0;
    std::string client_id;
    std::optional<will_message> will;
    std::optional<std::string> username;
    std::optional<std::string> password; // binary
    properties props;
    bool operator==(const connect&) const = default;
};

/// reason_code is the v5 reason code; for 3.1.x the encoder maps it to a return code 0..5.
struct connack {
    bool session_present = false;
    std::uint8_t reason_code = reason::success;
    properties props;
    bool operator==(const connack&) const = default;
};

struct publish {
    std::string topic; // may be empty in v5 when props.topic_alias is set
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0; // 0 for QoS 0
    properties props;
    bool operator==(const publish&) const = default;
};

/// PUBACK, PUBREC, PUBREL, PUBCOMP share one layout.
template <packet_type T>
struct basic_ack {
    static constexpr packet_type type = T;
    std::uint16_t packet_id = 0;
    std::uint8_t reason_code = reason::success;
    properties props;
    bool operator==(const basic_ack&) const = default;
};
using puback = basic_ack<packet_type::puback>;
using pubrec = basic_ack<packet_type::pubrec>;
using pubrel = basic_ack<packet_type::pubrel>;
using pubcomp = basic_ack<packet_type::pubcomp>;

struct subscription {
    std::string filter;
    std::uint8_t max_qos = 0;
    bool no_local = false;            // v5
    bool retain_as_published = false; // v5
    std::uint8_t retain_handling = 0; // v5: 0 send, 1 send if new, 2 do not send
    bool operator==(const subscription&) const = default;
};

struct subscribe {
    std::uint16_t packet_id = 0;
    std::vector<subscription> subscriptions;
    properties props; // subscription_identifiers holds at most one value here
    bool operator==(const subscribe&) const = default;
};

/// reason_codes are v5 codes; for 3.1.1 the encoder writes 0x00..0x02 as is and any code
/// >= 0x80 as 0x80 (failure).
struct suback {
    std::uint16_t packet_id = 0;
    std::vector<std::uint8_t> reason_codes;
    properties props;
    bool operator==(const suback&) const = default;
};

struct unsubscribe {
    std::uint16_t packet_id = 0;
    std::vector<std::string> filters;
    properties props;
    bool operator==(const unsubscribe&) const = default;
};

/// reason_codes are written only for v5.
struct unsuback {
    std::uint16_t packet_id = 0;
    std::vector<std::uint8_t> reason_codes;
    properties props;
    bool operator==(const unsuback&) const = default;
};

struct pingreq { bool operator==(const pingreq&) const = default; };
struct pingresp { bool operator==(const pingresp&) const = default; };

struct disconnect {
    std::uint8_t reason_code = reason::success; // v5 only
    properties props;
    bool operator==(const disconnect&) const = default;
};

struct auth {
    std::uint8_t reason_code = reason::success;
    properties props;
    bool operator==(const auth&) const = default;
};

using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe,
                            suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth>;

/// The packet's type (the variant index + 1).
inline packet_type type_of(const packet& p) { return static_cast<packet_type>(p.index() + 1); }

} // namespace runnel::codec::mqtt
