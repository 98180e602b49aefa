#include "reader.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using namespace runnel::config::detail;
using namespace std::chrono_literals;
using test::fails_with;

TEST(reader, reads_typed_fields_and_keeps_defaults_for_absent_or_null) {
    YAML::Node n = YAML::Load("{s: hello, b: yes, i: 42, z: 2MiB, d: 1500ms, sec: 1m, nul: ~}");
    map_reader r(n, "sec");
    std::string s;
    bool b = false;
    unsigned i = 0;
    std::size_t z = 0;
    std::chrono::milliseconds d{};
    std::chrono::seconds sec{};
    std::string nul = "default";
    std::string absent = "default";
    r.string("s", s);
    r.boolean("b", b);
    r.integer("i", i);
    r.size("z", z);
    r.duration("d", d);
    r.duration("sec", sec);
    r.string("nul", nul);
    r.string("absent", absent);
    r.finish();
    EXPECT_EQ(s, "hello");
    EXPECT_TRUE(b);
    EXPECT_EQ(i, 42u);
    EXPECT_EQ(z, 2u << 20);
    EXPECT_EQ(d, 1500ms);
    EXPECT_EQ(sec, 60s);
    EXPECT_EQ(nul, "default");
    EXPECT_EQ(absent, "default");
}

TEST(reader, unknown_key_names_full_path_with_hint) {
    YAML::Node n = YAML::Load("{max_pakcet_size: 1}");
    map_reader r(n, "mqtt");
    std::size_t v = 0;
    r.size("max_packet_size", v);
    EXPECT_TRUE(fails_with([&] { r.finish(); }, "mqtt.max_pakcet_size",
                           "unknown key (did you mean max_packet_size?)"));
    YAML::Node far = YAML::Load("{zzz: 1}");
    map_reader r2(far, "");
    r2.size("max_packet_size", v);
    EXPECT_TRUE(fails_with([&] { r2.finish(); }, "zzz", "unknown key"));
}

TEST(reader, repeated_key_is_an_error) {
    YAML::Node n = YAML::Load("{workers: 1, workers: 2}");
    map_reader r(n, "node");
    unsigned w = 0;
    r.integer("workers", w);
    EXPECT_TRUE(fails_with([&] { r.finish(); }, "node.workers", "duplicate key"));
}

TEST(reader, wrong_kinds_say_what_was_expected) {
    YAML::Node n = YAML::Load("{i: abc, j: -1, k: 300, b: maybe, s: [1], z: lots, d: soon, sec: 10ms}");
    map_reader r(n, "x");
    unsigned i = 0;
    std::uint8_t k = 0;
    bool b = false;
    std::string s;
    std::size_t z = 0;
    std::chrono::milliseconds d{};
    std::chrono::seconds sec{};
    EXPECT_TRUE(fails_with([&] { r.integer("i", i); }, "x.i", "expected a non-negative integer, got \"abc\""));
    EXPECT_TRUE(fails_with([&] { r.integer("j", i); }, "x.j", "non-negative integer"));
    EXPECT_TRUE(fails_with([&] { r.integer("k", k); }, "x.k", "must be 0..255, got 300"));
    EXPECT_TRUE(fails_with([&] { r.boolean("b", b); }, "x.b", "expected true or false"));
    EXPECT_TRUE(fails_with([&] { r.string("s", s); }, "x.s", "expected a string, got a list"));
    EXPECT_TRUE(fails_with([&] { r.size("z", z); }, "x.z", "expected a size"));
    EXPECT_TRUE(fails_with([&] { r.duration("d", d); }, "x.d", "expected a duration"));
    EXPECT_TRUE(fails_with([&] { r.duration("sec", sec); }, "x.sec", "whole number of seconds"));
}

TEST(reader, map_and_list_shapes) {
    EXPECT_TRUE(fails_with([] { map_reader r(YAML::Load("[1]"), "node"); }, "node", "expected a map, got a list"));
    EXPECT_NO_THROW(map_reader(YAML::Load("~"), "node").finish());
    EXPECT_TRUE(fails_with([] { expect_list(YAML::Load("a"), "listeners"); }, "listeners", "expected a list"));
    EXPECT_NO_THROW(expect_list(YAML::Load("~"), "listeners"));
    EXPECT_EQ(join("", "a"), "a");
    EXPECT_EQ(join("a.b", "c"), "a.b.c");
}
