// Every op: the fields it reads, and each way a field can be wrong (exact error replies).
#include "json_test_util.hpp"

#include "runnel/codec/json/reply.hpp"

#include <gtest/gtest.h>

using namespace runnel::codec::json;
using test::decode_cmd;
using test::decode_err;
using test::decode_ok;

namespace {

std::string reply_to(std::string_view frame) { return encode_error(decode_err(frame)); }

std::string err400(std::string_view message) {
    return R"({"id":1,"ok":false,"error":{"code":400,"message":)" + std::string(message) + "}}";
}
std::string err422(std::string_view message) {
    return R"({"id":1,"ok":false,"error":{"code":422,"message":)" + std::string(message) + "}}";
}

} // namespace

TEST(json_connect, all_fields) {
    auto c = decode_cmd<connect_cmd>(
        R"({"id":1,"op":"connect","client_id":"alice","token":"eyJ.x.y","version":1})");
    EXPECT_EQ(c, (connect_cmd{"alice", "eyJ.x.y", 1u}));
    EXPECT_EQ(decode_cmd<connect_cmd>(R"({"id":1,"op":"connect"})"), connect_cmd{});
}

TEST(json_connect, errors) {
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","client_id":7})"),
              err400(R"("\"client_id\" must be a non-empty string")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","client_id":""})"),
              err400(R"("\"client_id\" must be a non-empty string")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","client_id":"a\u0000b"})"),
              err400(R"("\"client_id\" contains NUL")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","token":null})"),
              err400(R"("\"token\" must be a non-empty string")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","version":0})"),
              err400(R"("\"version\" must be an integer in 1..4294967295")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"connect","version":"1"})"),
              err400(R"("\"version\" must be an integer in 1..4294967295")"));
    limits lim;
    lim.max_token_bytes = 3;
    EXPECT_EQ(decode_err(R"({"id":1,"op":"connect","token":"abcd"})", lim).message,
              R"("token" is longer than 3 bytes)");
}

TEST(json_subscribe, filter_since_and_options) {
    EXPECT_EQ(decode_cmd<subscribe_cmd>(R"({"id":1,"op":"subscribe","channel":"chat/+"})"),
              (subscribe_cmd{"chat/+", std::nullopt, {}}));
    EXPECT_EQ(decode_cmd<subscribe_cmd>(
                  R"({"id":7,"op":"subscribe","channel":"chat/#","since":{"offset":41,"epoch":"e1"},"presence":true})"),
              (subscribe_cmd{"chat/#", offset_position{41, "e1"}, {true}}));
    EXPECT_EQ(decode_cmd<subscribe_cmd>(
                  R"({"id":1,"op":"subscribe","channel":"a","since":{"tt":"17321234567890123"}})")
                  .since,
              position(time_position{17321234567890123u}));
    EXPECT_EQ(decode_cmd<subscribe_cmd>(
                  R"({"id":1,"op":"subscribe","channel":"a","since":{"tt":18446744073709551615}})")
                  .since,
              position(time_position{18446744073709551615u}));
    EXPECT_EQ(decode_cmd<subscribe_cmd>(R"({"id":1,"op":"subscribe","channel":"$share/g/a/+"})").channel,
              "$share/g/a/+");
    EXPECT_EQ(decode_cmd<subscribe_cmd>(R"({"id":1,"op":"subscribe","channel":"$SYS/#"})").channel,
              "$SYS/#");
}

TEST(json_subscribe, errors) {
    EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe"})"), err400(R"("missing \"channel\"")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":""})"),
              err400(R"("\"channel\" must be a non-empty string")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":["a"]})"),
              err400(R"("\"channel\" must be a non-empty string")"));
    for (const char* bad : {"a/#/b", "a/b+", "#/a", "a\\u0000b"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":")" + std::string(bad) + "\"}"),
                  err422(R"("invalid channel filter")"))
            << bad;
    for (const char* bad : {"$share//a", "$share/g", "$share/g+/a"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":")" + std::string(bad) + "\"}"),
                  err422(R"("invalid channel shared subscription")"))
            << bad;
    EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":"$share/g/a/#/b"})"),
              err422(R"("invalid channel filter")"));
    const std::string since_shape =
        err400(R"("\"since\" must be {\"offset\": N, \"epoch\": \"E\"} or {\"tt\": \"T\"}")");
    for (const char* since : {R"(5)", R"({})", R"({"offset":1})", R"({"epoch":"e"})",
                              R"({"offset":1,"epoch":"e","tt":"5"})", R"({"offset":-1,"epoch":"e"})",
                              R"({"offset":1.5,"epoch":"e"})", R"({"offset":1,"epoch":""})",
                              R"({"offset":1,"epoch":3})", R"({"tt":"1","epoch":"e"})"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":"a","since":)" + std::string(since) + "}"),
                  since_shape)
            << since;
    const std::string bad_tt = err400(R"("\"tt\" must be a timetoken: a decimal string")");
    for (const char* tt : {R"("")", R"("12x")", R"("-1")", R"("+1")", R"(" 1")", R"(-1)", R"(1.5)",
                           R"("18446744073709551616")", R"(null)"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":"a","since":{"tt":)" + std::string(tt) + "}}"),
                  bad_tt)
            << tt;
    EXPECT_EQ(reply_to(R"({"id":1,"op":"subscribe","channel":"a","presence":"yes"})"),
              err400(R"("\"presence\" must be true or false")"));
}

TEST(json_subscribe, topic_limits_apply) {
    limits lim;
    lim.topic.max_levels = 2;
    EXPECT_EQ(decode_err(R"({"id":1,"op":"subscribe","channel":"a/b/c"})", lim).code, 422);
    lim.topic.max_levels = 128;
    lim.topic.max_length = 3;
    EXPECT_EQ(decode_err(R"({"id":1,"op":"subscribe","channel":"abcd"})", lim).code, 422);
}

TEST(json_unsubscribe, channel_filter) {
    EXPECT_EQ(decode_cmd<unsubscribe_cmd>(R"({"id":1,"op":"unsubscribe","channel":"chat/+"})"),
              unsubscribe_cmd{"chat/+"});
    EXPECT_EQ(reply_to(R"({"id":1,"op":"unsubscribe","channel":"a/#/"})"),
              err422(R"("invalid channel filter")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"unsubscribe"})"), err400(R"("missing \"channel\"")"));
}

TEST(json_publish, data_is_kept_verbatim) {
    auto p = decode_cmd<publish_cmd>(
        R"({"id":1,"op":"publish","channel":"chat/1","data": {"t": "hi", "n": 12.50} })");
    EXPECT_EQ(p.channel, "chat/1");
    EXPECT_EQ(p.payload, R"({"t": "hi", "n": 12.50})");
    EXPECT_TRUE(p.payload_is_json);
    EXPECT_EQ(p.qos, std::nullopt);
    EXPECT_EQ(p.retain, std::nullopt);
    EXPECT_EQ(p.idempotency_key, std::nullopt);
    EXPECT_EQ(p.headers, headers{});
}

TEST(json_publish, data_scalars) {
    for (const char* v : {"42", "-1.5e3", R"("str")", R"("a\"b\\c\u00e9")", "null", "true", "false",
                          "[]", "{}", R"([1,"x",{"a":[null]}])"}) {
        auto p = decode_cmd<publish_cmd>(R"({"id":1,"op":"publish","channel":"a","data":)" +
                                         std::string(v) + "}");
        EXPECT_EQ(p.payload, v);
        EXPECT_TRUE(p.payload_is_json);
    }
}

TEST(json_publish, data_b64_is_decoded) {
    auto p = decode_cmd<publish_cmd>(
        R"({"id":8,"op":"publish","channel":"chat/1","data_b64":"AAEC/w==","qos":2,"retain":true,"idempotency_key":"k1"})");
    EXPECT_EQ(p.payload, std::string("\x00\x01\x02\xFF", 4));
    EXPECT_FALSE(p.payload_is_json);
    EXPECT_EQ(p.qos, 2);
    EXPECT_EQ(p.retain, true);
    EXPECT_EQ(p.idempotency_key, "k1");
    EXPECT_EQ(decode_cmd<publish_cmd>(R"({"id":1,"op":"publish","channel":"a","data_b64":""})").payload, "");
}

TEST(json_publish, errors) {
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a","data":1,"data_b64":"AA=="})"),
              err400(R"("both \"data\" and \"data_b64\"")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a"})"),
              err400(R"("missing \"data\" or \"data_b64\"")"));
    for (const char* b64 : {R"("A")", R"("AA=A")", R"("AA AA")", R"("-_==")", R"(12)", R"(null)"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a","data_b64":)" + std::string(b64) + "}"),
                  err400(R"("\"data_b64\" must be a base64 string")"))
            << b64;
    for (const char* ch : {"chat/+", "chat/#", "+"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":")" + std::string(ch) + R"(","data":1})"),
                  err422(R"x("invalid channel (wildcards are for subscribing)")x"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a\u0000","data":1})"),
              err422(R"("invalid channel name")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","data":1})"), err400(R"("missing \"channel\"")"));
    for (const char* q : {"3", "-1", "1.0", R"("1")", "true"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a","data":1,"qos":)" + std::string(q) + "}"),
                  err400(R"("\"qos\" must be an integer in 0..2")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a","data":1,"retain":1})"),
              err400(R"("\"retain\" must be true or false")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"publish","channel":"a","data":1,"idempotency_key":5})"),
              err400(R"("\"idempotency_key\" must be a non-empty string")"));
}

TEST(json_ping, no_fields) {
    EXPECT_TRUE(std::holds_alternative<ping_cmd>(decode_ok(R"({"id":"p","op":"ping"})").cmd));
}

TEST(json_history, all_fields) {
    auto h = decode_cmd<history_cmd>(
        R"({"id":1,"op":"history","channel":"chat/1","limit":100,"since":{"tt":"5"},"until":{"offset":9,"epoch":"e"},"order":"oldest","page":"p1"})");
    EXPECT_EQ(h, (history_cmd{"chat/1", 100u, time_position{5}, offset_position{9, "e"}, false, "p1"}));
    EXPECT_EQ(decode_cmd<history_cmd>(R"({"id":1,"op":"history","channel":"a"})"), history_cmd{"a"});
}

TEST(json_history, offsets_need_no_epoch_and_order_newest) {
    auto h = decode_cmd<history_cmd>(R"({"id":1,"op":"history","channel":"a","since":{"offset":3},"order":"newest","limit":1000})");
    EXPECT_EQ(h, (history_cmd{"a", 1000u, offset_position{3, ""}, std::nullopt, true, std::nullopt}));
}

TEST(json_history, errors) {
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a/+"})"),
              err422(R"x("invalid channel (wildcards are for subscribing)")x"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","limit":0})"),
              err400(R"("\"limit\" must be an integer in 1..1000")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","limit":1001})"),
              err400(R"("\"limit\" must be an integer in 1..1000")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","until":{}})"),
              err400(R"("\"until\" must be {\"offset\": N} or {\"tt\": \"T\"}")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","since":{"offset":1,"tt":"2"}})"),
              err400(R"("\"since\" must be {\"offset\": N} or {\"tt\": \"T\"}")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","since":{"offset":1,"epoch":""}})"),
              err400(R"("\"since\" must be {\"offset\": N} or {\"tt\": \"T\"}")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","order":"sideways"})"),
              err400(R"("\"order\" must be \"newest\" or \"oldest\"")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"history","channel":"a","page":""})"),
              err400(R"("\"page\" must be a non-empty string")"));
}

TEST(json_subscribe, offset_still_needs_an_epoch) {
    EXPECT_EQ(decode_err(R"({"id":1,"op":"subscribe","channel":"a","since":{"offset":1}})").code, 400);
}

TEST(json_presence, channel_name) {
    EXPECT_EQ(decode_cmd<presence_cmd>(R"({"id":1,"op":"presence","channel":"room/1"})"),
              presence_cmd{"room/1"});
    // A wildcard filter is the presence channel of its wildcard subscribers; $share is not.
    EXPECT_EQ(decode_cmd<presence_cmd>(R"({"id":1,"op":"presence","channel":"room/#"})"), presence_cmd{"room/#"});
    EXPECT_EQ(decode_cmd<presence_cmd>(R"({"id":1,"op":"presence","channel":"a/+/b"})"), presence_cmd{"a/+/b"});
    EXPECT_EQ(decode_err(R"({"id":1,"op":"presence","channel":"room/#/x"})").code, 422);
    EXPECT_EQ(decode_err(R"({"id":1,"op":"presence","channel":"$share/g/a/+"})").code, 422);
    EXPECT_EQ(decode_err(R"({"id":1,"op":"presence"})").code, 400);
    // where-now: a client instead of a channel.
    EXPECT_EQ(decode_cmd<presence_cmd>(R"({"id":1,"op":"presence","client":"ann"})"), (presence_cmd{"", "ann"}));
    EXPECT_EQ(decode_err(R"({"id":1,"op":"presence","client":"ann","channel":"a"})").code, 400);
    EXPECT_EQ(decode_err(R"({"id":1,"op":"presence","client":""})").code, 400);
}

TEST(json_state, object_kept_verbatim) {
    EXPECT_EQ(decode_cmd<state_cmd>(R"({"id":1,"op":"state","channel":"room/1","state":{ "typing" : true }})"),
              (state_cmd{"room/1", R"({ "typing" : true })"}));
    for (const char* s : {"1", "null", "[]", R"("x")"})
        EXPECT_EQ(reply_to(R"({"id":1,"op":"state","channel":"a","state":)" + std::string(s) + "}"),
                  err400(R"("\"state\" must be an object")"));
    EXPECT_EQ(decode_cmd<state_cmd>(R"({"id":1,"op":"state","channel":"a"})"), (state_cmd{"a", std::nullopt}));
    EXPECT_EQ(decode_cmd<state_cmd>(R"({"id":1,"op":"state","channel":"a/+"})"), (state_cmd{"a/+", std::nullopt}));
    EXPECT_EQ(decode_err(R"({"id":1,"op":"state","channel":"a/#/b"})").code, 422);
}

TEST(json_refresh, token) {
    EXPECT_EQ(decode_cmd<refresh_cmd>(R"({"id":1,"op":"refresh","token":"t2"})"), refresh_cmd{"t2"});
    EXPECT_EQ(reply_to(R"({"id":1,"op":"refresh"})"), err400(R"("missing \"token\"")"));
    EXPECT_EQ(reply_to(R"({"id":1,"op":"refresh","token":""})"),
              err400(R"("\"token\" must be a non-empty string")"));
}
