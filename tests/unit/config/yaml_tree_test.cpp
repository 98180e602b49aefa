#include "yaml_tree.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace runnel::config;
using detail::apply_set;
using detail::merge_defaults;
using detail::parse_set_value;
using test::fails_with;

namespace {
std::string flow(const YAML::Node& n) {
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
}
} // namespace

TEST(merge_defaults, maps_merge_lists_replace_nulls_take_default) {
    const YAML::Node defaults = YAML::Load("{a: {x: 1, y: 2}, l: [1, 2], s: d, n: dn}");
    YAML::Node tree = merge_defaults(YAML::Load("{a: {y: 3}, l: [9], n: ~}"), defaults);
    EXPECT_EQ(tree["a"]["x"].Scalar(), "1");
    EXPECT_EQ(tree["a"]["y"].Scalar(), "3");
    EXPECT_EQ(tree["l"].size(), 1u);
    EXPECT_EQ(tree["s"].Scalar(), "d");
    EXPECT_EQ(tree["n"].Scalar(), "dn");
    tree["a"]["x"] = "changed"; // the defaults were cloned, not shared
    EXPECT_EQ(defaults["a"]["x"].Scalar(), "1");
    EXPECT_EQ(flow(merge_defaults(YAML::Load(""), defaults)), flow(defaults));
}

TEST(parse_set_value, yaml_scalars_and_flow_nodes) {
    EXPECT_EQ(parse_set_value("2MiB").Scalar(), "2MiB");
    EXPECT_EQ(parse_set_value("127.0.0.1:0").Scalar(), "127.0.0.1:0");
    EXPECT_TRUE(parse_set_value("[{username: a, password: b}]").IsSequence());
    EXPECT_TRUE(parse_set_value("{enabled: false}").IsMap());
    EXPECT_TRUE(parse_set_value("").IsNull());
    EXPECT_EQ(parse_set_value("[::1]:1883").Scalar(), "[::1]:1883");
    EXPECT_EQ(parse_set_value("'[::1]:1883'").Scalar(), "[::1]:1883");
    EXPECT_EQ(parse_set_value("[unclosed").Scalar(), "[unclosed");
}

TEST(apply_set, scalars_lists_and_new_keys) {
    YAML::Node root = YAML::Load("{mqtt: {max_packet_size: 1MiB}, listeners: [{bind: 'a:1'}, {bind: 'b:2'}]}");
    apply_set(root, "mqtt.max_packet_size=2MiB");
    apply_set(root, "listeners.1.bind=127.0.0.1:0");
    apply_set(root, "node.name=edge-7");         // creates the map
    apply_set(root, "auth.users=[{username: a, password: b}]");
    apply_set(root, "mqtt.retain_available = false");
    EXPECT_EQ(root["mqtt"]["max_packet_size"].Scalar(), "2MiB");
    EXPECT_EQ(root["listeners"][1]["bind"].Scalar(), "127.0.0.1:0");
    EXPECT_EQ(root["listeners"][0]["bind"].Scalar(), "a:1");
    EXPECT_EQ(root["node"]["name"].Scalar(), "edge-7");
    EXPECT_EQ(root["auth"]["users"][0]["password"].Scalar(), "b");
    EXPECT_EQ(root["mqtt"]["retain_available"].Scalar(), "false");
    apply_set(root, "listeners.0=" "{protocol: http, bind: 'c:3'}"); // a whole list element
    EXPECT_EQ(root["listeners"][0]["protocol"].Scalar(), "http");
    apply_set(root, "x.y.z=1");                  // creates nested maps
    EXPECT_EQ(root["x"]["y"]["z"].Scalar(), "1");
}

TEST(apply_set, on_null_root_and_null_section) {
    YAML::Node root = YAML::Load("");
    apply_set(root, "a.b=1");
    EXPECT_EQ(root["a"]["b"].Scalar(), "1");
    YAML::Node r2 = YAML::Load("mqtt:\n");
    apply_set(r2, "mqtt.maximum_qos=1");
    EXPECT_EQ(r2["mqtt"]["maximum_qos"].Scalar(), "1");
}

TEST(apply_set, errors) {
    YAML::Node root = YAML::Load("{listeners: [{bind: 'a:1'}], node: {name: n}}");
    EXPECT_TRUE(fails_with([&] { apply_set(root, "listeners.0.bind"); }, "--set", "expected KEY=VALUE"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "=1"); }, "--set", "missing key"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "a..b=1"); }, "--set", "empty key segment"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "listeners.3.bind=x:1"); }, "listeners.3",
                           "index past the end (listeners has 1 entries)"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "listeners.1=x"); }, "listeners.1", "index past the end"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "listeners.first.bind=x"); }, "listeners.first",
                           "expected a numeric index"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "node.name.x=1"); }, "node.name", "is a scalar"));
    EXPECT_TRUE(fails_with([&] { apply_set(root, "users.0.name=1"); }, "users.0", "index past the end (users is empty)"));
    YAML::Node empty = YAML::Load("");
    EXPECT_TRUE(fails_with([&] { apply_set(empty, "0=1"); }, "0", "index past the end (root is empty)"));
}

// Found while writing config_fuzz (tests/fuzz/corpus/config/set-huge-index): an index longer
// than 64 bits threw std::out_of_range (from stoull) out of load(), which promises config_error.
TEST(apply_set, an_index_too_large_for_64_bits_is_past_the_end) {
    YAML::Node root = YAML::Load("listeners: [{bind: ':1'}]");
    EXPECT_TRUE(fails_with([&] { apply_set(root, "listeners.99999999999999999999999=1"); }, "listeners.99999999999999999999999",
                           "index past the end (listeners has 1 entries)"));
    EXPECT_TRUE(fails_with([&] { test::load_with("", {"listeners.18446744073709551616.bind=:1"}); },
                           "listeners.18446744073709551616", "index past the end"));
}
