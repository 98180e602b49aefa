#pragma once
/// A fixed set of valid packets covering every packet type the version has, with and without
/// optional parts, for tests that must hold "for every packet" (truncation, streaming,
/// re-encoding). The random round-trip test covers the long tail.
/// Affinity: test-only.
#include "runnel/codec/mqtt/packet.hpp"

#include <vector>

namespace runnel::codec::mqtt::test {

inline properties sample_user_props() {
    properties p;
    p.user_properties = {{"k", "v"}, {"k", "v2"}};
    return p;
}

inline std::vector<packet> sample_packets(version v) {
    const bool v5 = v == version::v5;
    connect full{.ver = v, .keep_alive = 60, .client_id = "client-1",
                 .will = will_message{.topic = "will/t", .payload = "bye", .qos = 2},
                 .username = "user", .password = std::string("p\0w", 3)};
    publish big{.topic = "big", .payload = std::string(300, 'x'), .qos = 1, .packet_id = 1};
    std::vector<packet> out = {
        connect{.ver = v, .client_id = ""},
        full,
        connack{.session_present = true},
        connack{.reason_code = reason::not_authorized},
        publish{.topic = "a/b", .payload = "hello"},
        publish{.topic = "a", .payload = "", .qos = 2, .retain = true, .dup = true, .packet_id = 9},
        big,
        puback{.packet_id = 1}, pubrec{.packet_id = 2}, pubrel{.packet_id = 3},
        pubcomp{.packet_id = 0xFFFF},
        subscribe{.packet_id = 4, .subscriptions = {{.filter = "a/+", .max_qos = 1},
                                                    {.filter = "#", .max_qos = 2}}},
        suback{.packet_id = 4, .reason_codes = {0x01, 0x80}},
        unsubscribe{.packet_id = 5, .filters = {"a/+", "#"}},
        unsuback{.packet_id = 5},
        pingreq{}, pingresp{}, disconnect{},
    };
    if (!v5) return out;
    publish with_props{.topic = "", .payload = "p", .qos = 1, .packet_id = 7};
    with_props.props = sample_user_props();
    with_props.props.topic_alias = 4;
    with_props.props.subscription_identifiers = {1, 268'435'455};
    out.push_back(with_props);
    out.push_back(puback{.packet_id = 1, .reason_code = reason::quota_exceeded});
    out.push_back(pubrel{.packet_id = 3, .reason_code = 0x92, .props = sample_user_props()});
    out.push_back(unsuback{.packet_id = 5, .reason_codes = {0x00, 0x11}});
    out.push_back(disconnect{.reason_code = reason::server_busy});
    out.push_back(disconnect{.reason_code = 0x8B, .props = sample_user_props()});
    out.push_back(auth{});
    out.push_back(auth{.reason_code = 0x18, .props = sample_user_props()});
    return out;
}

} // namespace runnel::codec::mqtt::test
