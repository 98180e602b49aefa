// The JSON string escaper, base64 both ways, and the JSON text check used for pushes.
#include "runnel/codec/json/text.hpp"

#include <gtest/gtest.h>

using namespace runnel::codec::json;

namespace {
std::string esc(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}
std::string b64(std::string_view s) {
    std::string out;
    append_base64(out, s);
    return out;
}
} // namespace

TEST(json_escape, plain_text_is_copied) {
    EXPECT_EQ(esc(""), R"("")");
    EXPECT_EQ(esc("chat/1 ok"), R"("chat/1 ok")");
    EXPECT_EQ(esc("\x7F"), "\"\x7F\""); // DEL needs no escape in JSON
}

TEST(json_escape, quotes_backslashes_and_control_characters) {
    EXPECT_EQ(esc("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(esc("\b\f\n\r\t"), R"("\b\f\n\r\t")");
    EXPECT_EQ(esc(std::string("\x00\x01\x1F", 3)), R"("\u0000\u0001\u001f")");
    std::string all;
    for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
    EXPECT_EQ(esc(all), R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
                        R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f")");
}

TEST(json_escape, valid_utf8_is_copied) {
    EXPECT_EQ(esc("\xC3\xA9"), "\"\xC3\xA9\"");                   // U+00E9
    EXPECT_EQ(esc("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");           // U+20AC
    EXPECT_EQ(esc("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");   // U+1F600
    EXPECT_EQ(esc("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");   // U+10FFFF
    EXPECT_EQ(esc("\xE2\x80\xA8"), "\"\xE2\x80\xA8\"");           // U+2028 is fine in JSON
}

TEST(json_escape, invalid_utf8_becomes_replacement_characters) {
    EXPECT_EQ(esc("a\xFF" "b"), R"("a\ufffdb")");
    EXPECT_EQ(esc("\x80"), R"("\ufffd")");                      // stray continuation byte
    EXPECT_EQ(esc("\xC0\x80"), R"("\ufffd\ufffd")");            // overlong NUL
    EXPECT_EQ(esc("\xE0\x80\xAF"), R"("\ufffd\ufffd\ufffd")");  // overlong '/'
    EXPECT_EQ(esc("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate U+D800
    EXPECT_EQ(esc("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")"); // > U+10FFFF
    EXPECT_EQ(esc("\xE2\x82"), R"("\ufffd\ufffd")");            // truncated at the end
    EXPECT_EQ(esc("\xE2\x82" "a"), R"("\ufffd\ufffda")");
    EXPECT_EQ(esc("\xF8\x88\x80\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd\ufffd")");
}

TEST(json_escape, appends) {
    std::string out = "x";
    append_json_string(out, "y");
    EXPECT_EQ(out, R"(x"y")");
}

TEST(json_base64, rfc4648_vectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(b64(plain), encoded);
        EXPECT_EQ(decode_base64(encoded), plain);
    }
    EXPECT_EQ(b64(std::string("\xFB\xFF\xBF", 3)), "+/+/");
    EXPECT_EQ(decode_base64("+/+/"), std::string("\xFB\xFF\xBF", 3));
}

TEST(json_base64, padding_is_optional) {
    EXPECT_EQ(decode_base64("Zg"), "f");
    EXPECT_EQ(decode_base64("Zm8"), "fo");
}

TEST(json_base64, invalid_input) {
    for (const char* bad : {"Z", "Zg=", "Zg===", "Z===", "====", "=", "Zm9v=", "Z=g=", "Zm 9v",
                            "Zm9v\n", "-_-_", "Zh==", "Zm9=", "Zh"})
        EXPECT_EQ(decode_base64(bad), std::nullopt) << bad;
}

TEST(json_base64, round_trips_every_length) {
    std::string bytes;
    for (int n = 0; n < 70; ++n) {
        EXPECT_EQ(decode_base64(b64(bytes)), bytes);
        bytes += static_cast<char>(n * 37 + 200);
    }
}

TEST(json_base64, appending_form_keeps_what_was_there) {
    std::string out = "ab";
    EXPECT_TRUE(decode_base64("Zm9vYg==", out));
    EXPECT_EQ(out, "abfoob");
    out.clear();
    EXPECT_FALSE(decode_base64("Zh==", out));
}

TEST(json_text, json_texts) {
    for (const char* ok : {"1", " 1 ", "\n{}\t", "[]", R"({"a":[1,{"b":null}]})", R"("s")",
                           "true", "false", "null", "-0", "1e400", R"("\ud83d\ude00")"})
        EXPECT_TRUE(is_json_text(ok)) << ok;
}

TEST(json_text, not_json_texts) {
    for (const char* bad : {"", " ", "hello", "1 2", "01", "[1,]", "{\"a\":1,}", "// c\n1",
                            "/* c */1", "NaN", "Infinity", "'s'", "{a:1}", "[", "\"\xFF\"",
                            "\"\x01\"", R"("\ud800")"})
        EXPECT_FALSE(is_json_text(bad)) << bad;
    EXPECT_FALSE(is_json_text(std::string_view("1\0", 2)));
}

TEST(json_text, depth_limit) {
    EXPECT_TRUE(is_json_text("[[1]]", 2));
    EXPECT_FALSE(is_json_text("[[[1]]]", 2));
}
