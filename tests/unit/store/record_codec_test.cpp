#include "record_codec.hpp"

#include <gtest/gtest.h>

namespace runnel::store {
namespace {

core::message full_message() {
    core::message m;
    m.topic = "sensors/7/temp";
    m.payload = std::string("21.5\0bin", 8);
    m.qos = 2;
    m.retain = true;
    m.payload_format = 1;
    m.content_type = "text/plain";
    m.response_topic = "reply/here";
    m.correlation_data = "corr";
    m.user_properties = {{"a", "1"}, {"b", ""}};
    m.origin_client = "client-1";
    m.cur = {42, 9, 123456789};
    return m;
}

TEST(record_codec, message_round_trip_keeps_every_field) {
    auto now = clock_now::read();
    auto m = full_message();
    m.expires_at = now.steady + std::chrono::seconds(30);
    auto bytes = encode_message(m, 1'700'000'000'000, now);
    auto back = decode_message(bytes, now);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->deadline_ms, 1'700'000'000'000);
    const auto& b = back->msg;
    EXPECT_EQ(b.topic, m.topic);
    EXPECT_EQ(b.payload, m.payload);
    EXPECT_EQ(b.qos, 2);
    EXPECT_TRUE(b.retain);
    EXPECT_EQ(b.payload_format, m.payload_format);
    EXPECT_EQ(b.content_type, m.content_type);
    EXPECT_EQ(b.response_topic, m.response_topic);
    EXPECT_EQ(b.correlation_data, m.correlation_data);
    EXPECT_EQ(b.user_properties, m.user_properties);
    EXPECT_EQ(b.origin_client, m.origin_client);
    EXPECT_EQ(b.cur, m.cur);
    ASSERT_TRUE(b.expires_at.has_value());
    EXPECT_LE(std::chrono::abs(*b.expires_at - *m.expires_at), std::chrono::milliseconds(1));
}

TEST(record_codec, expiry_is_unix_time_on_disk) {
    // Written at one moment, read back 10 s later (another process): 10 s less remain.
    auto then = clock_now::read();
    auto m = full_message();
    m.expires_at = then.steady + std::chrono::seconds(30);
    auto bytes = encode_message(m, 0, then);
    clock_now later{then.unix_ms + 10'000, core::steady_time{}};
    auto back = decode_message(bytes, later);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back->msg.expires_at - later.steady, std::chrono::seconds(20));
}

TEST(record_codec, minimal_message_and_header) {
    core::message m;
    m.topic = "t";
    m.cur = {1, 1, 5};
    auto now = clock_now::read();
    auto bytes = encode_message(m, 0, now);
    auto h = peek_header(bytes);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->offset, 1u);
    EXPECT_EQ(h->tt, 5u);
    EXPECT_EQ(h->payload_len, 0u);
    auto back = decode_message(bytes, now);
    ASSERT_TRUE(back.has_value());
    EXPECT_FALSE(back->msg.content_type.has_value());
    EXPECT_FALSE(back->msg.expires_at.has_value());
}

TEST(record_codec, every_truncation_and_bad_version_is_an_error) {
    auto now = clock_now::read();
    auto bytes = encode_message(full_message(), 5, now);
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_EQ(decode_message(bytes.substr(0, n), now).error(), errc::data_corrupt) << n;
    EXPECT_FALSE(decode_message(bytes + "x", now).has_value());
    auto bad = bytes;
    bad[0] = 2;
    EXPECT_FALSE(decode_message(bad, now).has_value());
    EXPECT_FALSE(peek_header(bad).has_value());
}

TEST(record_codec, huge_counts_do_not_allocate) {
    std::string bytes(record_header_size, '\0');
    bytes[0] = 1;
    bytes += std::string("\x01\x00\xff\xff\xff\xff\x0f", 7); // qos, flags, 2^32 properties
    EXPECT_FALSE(decode_message(bytes, clock_now::read()).has_value());
}

TEST(record_codec, channel_meta_round_trip) {
    channel_meta m{1, 2, 3, 4, 5};
    EXPECT_EQ(decode_channel_meta(encode_channel_meta(m)).value(), m);
    EXPECT_FALSE(decode_channel_meta("\x01").has_value());
}

TEST(record_codec, session_round_trip) {
    session_record s{"cid", 17, 3600, 1234, {{"$share/g/a/+", 1, true, false, true, 9}, {"b/#", 2, false, true, false, 0}}};
    auto back = decode_session(encode_session(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->client_id, "cid");
    EXPECT_EQ(back->durable_id, 17u);
    EXPECT_EQ(back->expiry_seconds, 3600u);
    EXPECT_EQ(back->disconnected_at_ms, 1234);
    EXPECT_EQ(back->subscriptions, s.subscriptions);
    auto bytes = encode_session(s);
    for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_session(bytes.substr(0, n)).has_value());
}

TEST(record_codec, session_keeps_the_presence_choice) {
    session_record s{"cid", 17, 3600, 0, {}};
    s.subscriptions.push_back({"a/+", 1, false, false, false, 0, true});
    s.subscriptions.push_back({"a/x", 0, true, true, true, 3, false});
    s.subscriptions.push_back({"b/#", 0, false, false, false, 0, std::nullopt});
    auto back = decode_session(encode_session(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->subscriptions, s.subscriptions);
    EXPECT_EQ(back->subscriptions[0].presence, std::optional<bool>(true));
    EXPECT_EQ(back->subscriptions[1].presence, std::optional<bool>(false));
    EXPECT_FALSE(back->subscriptions[2].presence.has_value());
}

TEST(record_codec, session_written_before_presence_bits_reads_as_no_choice) {
    // The bytes of a record from before the presence bits: version 1, client id "c", durable
    // id 2, expiry 60, disconnected at 0, one subscription "a/+" at QoS 1 with no_local and
    // with_cursor (flags 5) and subscription id 7.
    std::string old{"\x01\x01" "c" "\0\0\0\0\0\0\0\x02" "\0\0\0\x3c" "\0\0\0\0\0\0\0\0" "\x01"
                    "\x03" "a/+" "\x01" "\x05" "\0\0\0\x07", 34};
    auto back = decode_session(old);
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(back->subscriptions.size(), 1u);
    const auto& sub = back->subscriptions[0];
    EXPECT_EQ(sub.filter, "a/+");
    EXPECT_TRUE(sub.no_local);
    EXPECT_TRUE(sub.with_cursor);
    EXPECT_EQ(sub.sub_id, 7u);
    EXPECT_FALSE(sub.presence.has_value()); // no choice: exact on, wildcard off
    // The same record written today is byte for byte the old one.
    EXPECT_EQ(encode_session(*back), old);
    // "on" without "chosen" is not a record any version writes.
    std::string bad = old;
    bad[bad.size() - 5] = '\x15';
    EXPECT_FALSE(decode_session(bad).has_value());
    bad[bad.size() - 5] = '\x25';
    EXPECT_FALSE(decode_session(bad).has_value());
}

TEST(record_codec, owed_round_trip_with_and_without_message) {
    auto now = clock_now::read();
    owed_message o{5, 77, core::make_message(full_message()), 2, true, {1, 2}, 300, false};
    auto back = decode_owed(encode_owed(o, now), 5, 77, now);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->qos, 2);
    EXPECT_TRUE(back->retain);
    EXPECT_EQ(back->sub_ids, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(back->packet_id, 300);
    ASSERT_TRUE(back->msg);
    EXPECT_EQ(back->msg->payload, o.msg->payload);
    owed_message released{5, 78, nullptr, 2, false, {}, 301, true};
    auto r = decode_owed(encode_owed(released, now), 5, 78, now);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->released);
    EXPECT_FALSE(r->msg);
}

TEST(record_codec, idempotency_round_trip) {
    idempotency_value v{{3, 4, 5}, 99};
    auto back = decode_idempotency(encode_idempotency(v));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->cur, v.cur);
    EXPECT_EQ(back->at_ms, 99);
}

} // namespace
} // namespace runnel::store
