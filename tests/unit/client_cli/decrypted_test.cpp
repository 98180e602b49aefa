// What `runnel sub/history --cipher-key` print: the server's message object with the envelope
// replaced by its plaintext (JSON verbatim as "data", anything else as "data_b64"), every other
// member kept as sent; or, for a message that does not open, where it was and why.
#include "runnel/client_cli/decrypted.hpp"

#include "runnel/codec/json/text.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;

namespace {

cipher_key key_of(unsigned char first) {
    std::array<unsigned char, cipher_key_size> k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(first + i);
    return cipher_key(k);
}

/// A message object as the JSON protocol pushes it (without "op"), carrying `payload`.
received pushed(const std::string& payload, const std::string& after = R"(,"offset":42,"epoch":"e1","tt":"17")") {
    received m;
    m.json = R"({"channel":"chat/1","data_b64":")";
    runnel::codec::json::append_base64(m.json, payload);
    m.json += '"' + after + R"(,"from":"alice","headers":{"k":"v"}})";
    m.payload = payload;
    return m;
}

} // namespace

TEST(decrypted, a_json_plaintext_becomes_data_in_place) {
    auto key = key_of(1);
    auto d = decrypt_received(key, pushed(seal(key, R"({"t": [1, 2.50]})")));
    ASSERT_TRUE(d.message) << d.problem;
    EXPECT_EQ(d.message->json,
              R"({"channel":"chat/1","data":{"t": [1, 2.50]},"offset":42,"epoch":"e1","tt":"17","from":"alice","headers":{"k":"v"}})");
    EXPECT_EQ(d.message->payload, R"({"t": [1, 2.50]})");
}

TEST(decrypted, other_plaintexts_become_data_b64) {
    auto key = key_of(1);
    auto d = decrypt_received(key, pushed(seal(key, "Grüße")));
    ASSERT_TRUE(d.message) << d.problem;
    EXPECT_EQ(d.message->json,
              R"({"channel":"chat/1","data_b64":"R3LDvMOfZQ==","offset":42,"epoch":"e1","tt":"17","from":"alice","headers":{"k":"v"}})");
    EXPECT_EQ(d.message->payload, "Grüße");
    auto empty = decrypt_received(key, pushed(seal(key, "")));
    ASSERT_TRUE(empty.message);
    EXPECT_EQ(empty.message->payload, "");
}

TEST(decrypted, a_message_that_does_not_open_names_channel_offset_and_reason) {
    auto key = key_of(1);
    auto wrong = decrypt_received(key, pushed(seal(key_of(2), "x")));
    EXPECT_FALSE(wrong.message);
    EXPECT_EQ(wrong.problem, "chat/1 offset 42: wrong key or tampered message");
    auto clear = decrypt_received(key, pushed("hello in the clear"));
    EXPECT_FALSE(clear.message);
    EXPECT_EQ(clear.problem, "chat/1 offset 42: not a runnel v1 envelope");
}

TEST(decrypted, mqtt_deliveries_have_no_offset_to_name) {
    auto key = key_of(1);
    runnel::codec::mqtt::publish p;
    p.topic = "sensors/7";
    p.payload = seal(key_of(9), "21.5");
    p.qos = 1;
    auto d = decrypt_received(key, from_mqtt(p));
    EXPECT_EQ(d.problem, "sensors/7: wrong key or tampered message");
    p.payload = seal(key, "21.5");
    auto ok = decrypt_received(key, from_mqtt(p));
    ASSERT_TRUE(ok.message);
    EXPECT_EQ(ok.message->json, R"({"channel":"sensors/7","data":21.5,"qos":1})");
}
