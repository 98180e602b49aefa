// Property test: randomly generated valid packets of every type survive encode -> decode
// unchanged, in 3.1, 3.1.1 and 5.0, and encoded_size() always equals the encoded length.
#include "codec_test_util.hpp"

#include <random>

using namespace runnel::codec::mqtt;

namespace {

/// Builds random packets that are valid for one protocol version (so the decoder must accept
/// them). Field values cover edges: empty strings, multi-byte UTF-8, binary with NULs,
/// maximal varints.
class packet_gen {
public:
    packet_gen(version v, unsigned seed) : v_(v), rng_(seed) {}

    packet next() {
        switch (pick(v5() ? 15 : 14)) {
        case 0: return gen_connect();
        case 1: return gen_connack();
        case 2: return gen_publish();
        case 3: return ack<puback>();
        case 4: return ack<pubrec>();
        case 5: return ack<pubrel>();
        case 6: return ack<pubcomp>();
        case 7: return gen_subscribe();
        case 8: return gen_suback();
        case 9: return gen_unsubscribe();
        case 10: return gen_unsuback();
        case 11: return pingreq{};
        case 12: return pingresp{};
        case 13: return reason_packet<disconnect>();
        default: return reason_packet<auth>();
        }
    }

private:
    bool v5() const { return v_ == version::v5; }
    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
    bool coin() { return pick(2) == 1; }
    std::uint8_t byte() { return static_cast<std::uint8_t>(pick(256)); }
    std::uint16_t nonzero16() { return static_cast<std::uint16_t>(1 + pick(0xFFFF)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(rng_()); }

    std::string utf8(unsigned max_parts = 6) {
        static const char* parts[] = {"a", "/", "topic", "+", "#", "\xC3\xA9", "\xE2\x82\xAC",
                                      "\xF0\x9F\x98\x80", "$SYS", " ", "\x7F"};
        std::string s;
        for (unsigned n = pick(max_parts + 1); n > 0; --n) s += parts[pick(std::size(parts))];
        return s;
    }
    std::string nonempty_utf8() { return "t" + utf8(); }
    std::string binary() {
        std::string s(pick(8), '\0');
        for (auto& c : s) c = static_cast<char>(byte());
        return s;
    }

    template <class T>
    std::optional<T> maybe(T v) { return coin() ? std::optional<T>(v) : std::nullopt; }
    std::optional<std::uint8_t> maybe_flag() { return maybe<std::uint8_t>(pick(2)); }

    void user_props(properties& p) {
        for (unsigned n = pick(3); n > 0; --n) p.user_properties.emplace_back(utf8(), utf8());
    }
    void message_props(properties& p) {
        p.payload_format_indicator = maybe_flag();
        p.message_expiry_interval = maybe(u32());
        if (coin()) p.content_type = utf8();
        if (coin()) p.response_topic = nonempty_utf8();
        if (coin()) p.correlation_data = binary();
        user_props(p);
    }
    std::uint32_t sub_id() { return coin() ? 268'435'455u : 1 + pick(100'000); }

    packet gen_connect() {
        connect c{.ver = v5() ? version::v5 : (coin() ? version::v31 : version::v311),
                  .clean_start = coin(), .keep_alive = static_cast<std::uint16_t>(pick(0x10000)),
                  .client_id = utf8()};
        if (coin()) {
            c.will = will_message{.topic = nonempty_utf8(), .payload = binary(),
                                  .qos = static_cast<std::uint8_t>(pick(3)), .retain = coin()};
            if (v5()) {
                message_props(c.will->props);
                c.will->props.will_delay_interval = maybe(u32());
            }
        }
        if (coin()) c.username = utf8();
        if (coin() && (v5() || c.username)) c.password = binary();
        if (v5()) connect_props(c.props);
        return c;
    }
    void connect_props(properties& p) {
        p.session_expiry_interval = maybe(u32());
        p.receive_maximum = maybe(nonzero16());
        p.maximum_packet_size = maybe(1 + u32() / 2);
        p.topic_alias_maximum = maybe<std::uint16_t>(static_cast<std::uint16_t>(pick(0x10000)));
        p.request_problem_information = maybe_flag();
        p.request_response_information = maybe_flag();
        if (coin()) p.authentication_method = utf8();
        if (coin()) p.authentication_data = binary();
        user_props(p);
    }

    packet gen_connack() {
        static const std::uint8_t v311_codes[] = {0x00, 0x84, 0x85, 0x88, 0x86, 0x87};
        connack a{.session_present = coin(),
                  .reason_code = v5() ? byte() : v311_codes[pick(std::size(v311_codes))]};
        if (!v5()) return a;
        auto& p = a.props;
        p.session_expiry_interval = maybe(u32());
        if (coin()) p.assigned_client_identifier = utf8();
        p.server_keep_alive = maybe<std::uint16_t>(static_cast<std::uint16_t>(pick(0x10000)));
        if (coin()) p.response_information = utf8();
        if (coin()) p.server_reference = utf8();
        if (coin()) p.reason_string = utf8();
        p.receive_maximum = maybe(nonzero16());
        p.maximum_qos = maybe_flag();
        p.retain_available = maybe_flag();
        p.maximum_packet_size = maybe(1 + u32() / 2);
        p.wildcard_subscription_available = maybe_flag();
        p.subscription_identifier_available = maybe_flag();
        p.shared_subscription_available = maybe_flag();
        user_props(p);
        return a;
    }

    packet gen_publish() {
        publish p{.topic = v5() ? utf8() : nonempty_utf8(), .payload = binary(),
                  .qos = static_cast<std::uint8_t>(pick(3)), .retain = coin()};
        if (p.qos > 0) {
            p.dup = coin();
            p.packet_id = nonzero16();
        }
        if (coin()) p.payload = std::string(pick(70'000), 'z'); // multi-byte remaining length
        if (!v5()) return p;
        message_props(p.props);
        p.props.topic_alias = maybe(nonzero16());
        for (unsigned n = pick(3); n > 0; --n) p.props.subscription_identifiers.push_back(sub_id());
        return p;
    }

    template <class Ack>
    packet ack() {
        Ack a{.packet_id = nonzero16()};
        if (!v5()) return a;
        if (coin()) a.reason_code = byte();
        if (coin()) a.props.reason_string = utf8();
        user_props(a.props);
        return a;
    }

    packet gen_subscribe() {
        subscribe s{.packet_id = nonzero16()};
        for (unsigned n = 1 + pick(4); n > 0; --n) {
            subscription sub{.filter = utf8(), .max_qos = static_cast<std::uint8_t>(pick(3))};
            if (v5()) {
                sub.no_local = coin();
                sub.retain_as_published = coin();
                sub.retain_handling = static_cast<std::uint8_t>(pick(3));
            }
            s.subscriptions.push_back(sub);
        }
        if (v5() && coin()) s.props.subscription_identifiers = {sub_id()};
        if (v5()) user_props(s.props);
        return s;
    }

    std::vector<std::uint8_t> codes(bool v311_suback) {
        static const std::uint8_t v311[] = {0x00, 0x01, 0x02, 0x80};
        std::vector<std::uint8_t> c(1 + pick(4));
        for (auto& x : c) x = v311_suback ? v311[pick(4)] : byte();
        return c;
    }

    packet gen_suback() {
        suback a{.packet_id = nonzero16(), .reason_codes = codes(!v5())};
        if (v5() && coin()) a.props.reason_string = utf8();
        if (v5()) user_props(a.props);
        return a;
    }

    packet gen_unsubscribe() {
        unsubscribe u{.packet_id = nonzero16()};
        for (unsigned n = 1 + pick(4); n > 0; --n) u.filters.push_back(utf8());
        if (v5()) user_props(u.props);
        return u;
    }

    packet gen_unsuback() {
        unsuback a{.packet_id = nonzero16()};
        if (!v5()) return a;
        a.reason_codes = codes(false);
        if (coin()) a.props.reason_string = utf8();
        user_props(a.props);
        return a;
    }

    template <class P>
    packet reason_packet() {
        P p;
        if (!v5()) return p;
        if (coin()) p.reason_code = byte();
        if (coin()) p.props.reason_string = utf8();
        if constexpr (std::is_same_v<P, disconnect>) {
            p.props.session_expiry_interval = maybe(u32());
            if (coin()) p.props.server_reference = utf8();
        } else {
            if (coin()) p.props.authentication_method = utf8();
            if (coin()) p.props.authentication_data = binary();
        }
        user_props(p.props);
        return p;
    }

    version v_;
    std::mt19937 rng_;
};

void round_trip(version v, unsigned seed, int count) {
    packet_gen gen(v, seed);
    int per_type[16] = {};
    for (int i = 0; i < count; ++i) {
        const packet p = gen.next();
        ++per_type[static_cast<int>(type_of(p))];
        const std::string bytes = encode(p, v);
        ASSERT_EQ(encoded_size(p, v), bytes.size());
        std::size_t used = 0;
        auto step = test::decode_as(v, bytes, &used);
        const auto* back = std::get_if<packet>(&step);
        ASSERT_NE(back, nullptr) << "packet " << i << " type " << int(type_of(p)) << ": "
                                 << (std::holds_alternative<decode_error>(step)
                                         ? std::get<decode_error>(step).message
                                         : "need_more")
                                 << "\n" << test::hex(bytes.substr(0, 200));
        ASSERT_EQ(*back, p) << "packet " << i;
        ASSERT_EQ(used, bytes.size());
    }
    const int types = v == version::v5 ? 15 : 14;
    for (int t = 1; t <= types; ++t) EXPECT_GT(per_type[t], 0) << "type " << t << " never generated";
}

} // namespace

TEST(mqtt_round_trip, v311_and_v31_generated_packets) { round_trip(version::v311, 1, 3000); }

TEST(mqtt_round_trip, v5_generated_packets) { round_trip(version::v5, 2, 3000); }

TEST(mqtt_round_trip, v5_more_seeds) {
    for (unsigned seed = 10; seed < 20; ++seed) round_trip(version::v5, seed, 300);
}
