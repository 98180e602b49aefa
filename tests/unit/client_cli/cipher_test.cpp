// The --cipher-key envelope: the test vectors of docs/e2e-encryption.md byte for byte (read
// from the doc itself, so the doc and the code cannot drift apart), round trips, tampering
// with every region, wrong keys, short input, and key parsing.
#include "runnel/client_cli/cipher.hpp"

#include "../../support/temp_dir.hpp"
#include "runnel/client_cli/errors.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace runnel::client_cli;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

using vector_fields = std::map<std::string, std::string>;

/// The ```e2e-vector blocks of the doc: `name: value` lines.
std::vector<vector_fields> doc_vectors() {
    std::ifstream in(std::string(RUNNEL_SOURCE_DIR) + "/docs/e2e-encryption.md");
    EXPECT_TRUE(in) << "cannot open docs/e2e-encryption.md";
    std::vector<vector_fields> out;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (!inside && line == "```e2e-vector") {
            inside = true;
            out.emplace_back();
        } else if (inside && line == "```") {
            inside = false;
        } else if (inside) {
            auto colon = line.find(':');
            EXPECT_NE(colon, std::string::npos) << "vector line without ':': " << line;
            if (colon == std::string::npos) continue;
            auto value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            out.back()[line.substr(0, colon)] = value;
        }
    }
    EXPECT_FALSE(inside) << "an e2e-vector block is not closed";
    return out;
}

std::string unhex(std::string_view h) {
    EXPECT_EQ(h.size() % 2, 0u) << h;
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += char(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
    return out;
}

std::string hex(std::string_view b) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : b) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string b64(std::string_view b) {
    std::string out;
    runnel::codec::json::append_base64(out, b);
    return out;
}

cipher_key key_of(unsigned char first) {
    std::array<unsigned char, cipher_key_size> k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(first + i);
    return cipher_key(k);
}

} // namespace

TEST(cipher, the_documented_vectors_match_byte_for_byte) {
    auto vectors = doc_vectors();
    ASSERT_GE(vectors.size(), 3u);
    bool empty = false, non_ascii = false;
    for (auto& v : vectors) {
        SCOPED_TRACE(v["name"]);
        for (const char* field : {"name", "key_b64", "key_hex", "nonce_hex", "plaintext", "plaintext_hex",
                                  "envelope_hex", "envelope_b64"})
            ASSERT_EQ(v.count(field), 1u) << "missing " << field;
        auto key = parse_cipher_key(v["key_b64"]);
        EXPECT_EQ(hex(std::string_view(reinterpret_cast<const char*>(key.data()), cipher_key_size)), v["key_hex"]);
        auto nonce_bytes = unhex(v["nonce_hex"]);
        ASSERT_EQ(nonce_bytes.size(), envelope_nonce_size);
        envelope_nonce nonce;
        std::copy(nonce_bytes.begin(), nonce_bytes.end(), nonce.begin());
        // The plaintext is shown as a JSON string and as hex: both must say the same bytes.
        auto shown = boost::json::parse(v["plaintext"]);
        ASSERT_TRUE(shown.is_string());
        std::string plaintext(shown.as_string());
        EXPECT_EQ(hex(plaintext), v["plaintext_hex"]);
        empty = empty || plaintext.empty();
        non_ascii = non_ascii || std::any_of(plaintext.begin(), plaintext.end(), [](char c) { return c & 0x80; });

        auto sealed = seal_with_nonce(key, nonce, plaintext);
        EXPECT_EQ(hex(sealed), v["envelope_hex"]);
        EXPECT_EQ(b64(sealed), v["envelope_b64"]);
        auto documented = unhex(v["envelope_hex"]);
        EXPECT_EQ(runnel::codec::json::decode_base64(v["envelope_b64"]), documented);
        auto opened = open_envelope(key, documented);
        ASSERT_TRUE(opened.plaintext);
        EXPECT_EQ(*opened.plaintext, plaintext);
    }
    EXPECT_TRUE(empty) << "the doc needs a vector with an empty plaintext";
    EXPECT_TRUE(non_ascii) << "the doc needs a vector with a non-ASCII plaintext";
}

TEST(cipher, the_envelope_is_version_nonce_ciphertext_tag) {
    auto key = key_of(7);
    envelope_nonce nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    auto e = seal_with_nonce(key, nonce, "abc");
    ASSERT_EQ(e.size(), 3 + envelope_overhead);
    EXPECT_EQ(static_cast<unsigned char>(e[0]), 0x01);
    EXPECT_EQ(e.substr(1, 12), std::string(nonce.begin(), nonce.end()));
    EXPECT_THAT(e, Not(HasSubstr("abc")));
}

TEST(cipher, round_trips_any_size_under_a_fresh_nonce_each_time) {
    auto key = key_of(1);
    for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 1000u, 100'000u}) {
        std::string plain(size, '\0');
        for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<char>(i * 31 + 7);
        auto a = seal(key, plain), b = seal(key, plain);
        EXPECT_EQ(a.size(), size + envelope_overhead);
        EXPECT_NE(a.substr(1, envelope_nonce_size), b.substr(1, envelope_nonce_size)) << size;
        EXPECT_EQ(open_envelope(key, a).plaintext, plain) << size;
        EXPECT_EQ(open_envelope(key, b).plaintext, plain) << size;
    }
}

TEST(cipher, any_flipped_bit_is_caught_in_every_region) {
    auto key = key_of(3);
    auto e = seal(key, "attack at dawn");
    for (std::size_t i = 0; i < e.size(); ++i) {
        for (unsigned char bit : {0x01, 0x80}) {
            auto t = e;
            t[i] = static_cast<char>(t[i] ^ bit);
            auto r = open_envelope(key, t);
            EXPECT_FALSE(r.plaintext) << "byte " << i;
            // The version byte is checked first; nonce, ciphertext and tag through the tag.
            EXPECT_EQ(r.error, i == 0 ? open_error::not_envelope : open_error::wrong_key_or_tampered) << "byte " << i;
        }
    }
    EXPECT_FALSE(open_envelope(key, e + "x").plaintext);                 // a byte added
    EXPECT_FALSE(open_envelope(key, e.substr(0, e.size() - 1)).plaintext); // a byte cut
}

TEST(cipher, another_key_does_not_open_it) {
    auto e = seal(key_of(1), "secret");
    auto r = open_envelope(key_of(2), e);
    EXPECT_FALSE(r.plaintext);
    EXPECT_EQ(r.error, open_error::wrong_key_or_tampered);
    EXPECT_STREQ(describe(r.error), "wrong key or tampered message");
}

TEST(cipher, short_or_foreign_input_is_not_an_envelope) {
    auto key = key_of(5);
    for (std::size_t size = 0; size < envelope_overhead; ++size) {
        auto r = open_envelope(key, std::string(size, '\x01'));
        EXPECT_FALSE(r.plaintext) << size;
        EXPECT_EQ(r.error, open_error::not_envelope) << size;
    }
    EXPECT_EQ(open_envelope(key, R"({"t":"a plaintext message published in the clear"})").error, open_error::not_envelope);
    EXPECT_STREQ(describe(open_error::not_envelope), "not a runnel v1 envelope");
    // 29 bytes with the right version byte: the smallest envelope, which the tag then rejects.
    EXPECT_EQ(open_envelope(key, std::string(1, '\x01') + std::string(28, '\0')).error, open_error::wrong_key_or_tampered);
}

TEST(cipher_key, parses_standard_base64_of_32_bytes) {
    auto k = parse_cipher_key("  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    for (std::size_t i = 0; i < cipher_key_size; ++i) EXPECT_EQ(k.data()[i], i);
}

TEST(cipher_key, other_lengths_and_text_are_refused_naming_the_flag_not_the_key) {
    auto message = [](std::string text) {
        try {
            (void)parse_cipher_key(text);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_THAT(message("AAECAwQFBgcICQoLDA0ODw=="), HasSubstr("--cipher-key: wants the standard base64 of 32"));
    EXPECT_THAT(message("AAECAwQFBgcICQoLDA0ODw=="), HasSubstr("got 16 bytes"));
    EXPECT_THAT(message("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ=="), HasSubstr("got 34 bytes"));
    EXPECT_THAT(message("not base64 at all!"), HasSubstr("not base64"));
    EXPECT_THAT(message("not base64 at all!"), Not(HasSubstr("at all")));
    EXPECT_THAT(message("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8_"), HasSubstr("not base64")); // URL-safe
    EXPECT_THAT(message(" \n"), HasSubstr("got nothing"));
}

TEST(cipher_key, reads_a_key_file_and_names_it_in_errors) {
    runnel::test::temp_dir dir("runnel-cipher");
    auto write = [&](const std::string& name, const std::string& text) {
        auto p = (dir.path / name).string();
        std::ofstream(p, std::ios::binary) << text;
        return p;
    };
    auto good = write("good.key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    EXPECT_EQ(read_cipher_key_file(good).data()[31], 31);
    auto expect_error = [](const std::string& path, const std::string& what) {
        try {
            (void)read_cipher_key_file(path);
            ADD_FAILURE() << path << " was accepted";
        } catch (const usage_error& e) {
            EXPECT_THAT(e.what(), HasSubstr("--cipher-key-file " + path + ": "));
            EXPECT_THAT(e.what(), HasSubstr(what));
        }
    };
    expect_error((dir.path / "missing.key").string(), "cannot open");
    expect_error(write("short.key", "AAECAwQFBgcICQoLDA0ODw==\n"), "wants the standard base64");
    expect_error(write("empty.key", ""),
                 "wants the standard base64 of 32 random bytes (e.g. from `openssl rand -base64 32`), got nothing");
    expect_error(write("long.key", std::string(4096, 'A')), "too long for a key file");
    expect_error(write("raw.key", std::string(32, '\x07')), "not base64");
}
