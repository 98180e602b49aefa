// libFuzzer target: decode a frame as a JSON protocol request. Every reply must be valid JSON,
// and "duplicate keys" must mean what it says (checked with Boost's own key events, which is
// independent of the codec's scanner of member values).
// A decoded publish goes publish -> core::message -> push, and the target aborts unless the
// push parses, carries the payload byte for byte ("data" verbatim or "data_b64"), and, fed
// back as a publish, builds the same message again.
#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/reply.hpp"
#include "runnel/codec/json/text.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace runnel::codec::json;
using runnel::core::message;

namespace {

// Names the failed check, so a finding says which property broke.
#define REQUIRE(expr)                                                                              \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            std::fprintf(stderr, "json_request_fuzz: check failed: %s\n", #expr);                  \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

boost::json::value parse_or_abort(std::string_view text) {
    boost::json::parse_options opts;
    opts.max_depth = 1000;
    boost::json::error_code ec;
    auto v = boost::json::parse(text, ec, {}, opts);
    REQUIRE(!ec);
    return v;
}

// Counts the keys of the top-level object, duplicates included.
struct key_counter {
    static constexpr std::size_t max_array_size = -1;
    static constexpr std::size_t max_object_size = -1;
    static constexpr std::size_t max_string_size = -1;
    static constexpr std::size_t max_key_size = -1;
    using ec_t = boost::json::error_code;
    using sv = boost::json::string_view;
    int depth = 0;
    std::size_t keys = 0;
    bool on_document_begin(ec_t&) { return true; }
    bool on_document_end(ec_t&) { return true; }
    bool on_array_begin(ec_t&) { return ++depth, true; }
    bool on_array_end(std::size_t, ec_t&) { return --depth, true; }
    bool on_object_begin(ec_t&) { return ++depth, true; }
    bool on_object_end(std::size_t, ec_t&) { return --depth, true; }
    bool on_string_part(sv, std::size_t, ec_t&) { return true; }
    bool on_string(sv, std::size_t, ec_t&) { return true; }
    bool on_key_part(sv, std::size_t, ec_t&) { return true; }
    bool on_key(sv, std::size_t, ec_t&) { return keys += depth == 1, true; }
    bool on_number_part(sv, ec_t&) { return true; }
    bool on_int64(std::int64_t, sv, ec_t&) { return true; }
    bool on_uint64(std::uint64_t, sv, ec_t&) { return true; }
    bool on_double(double, sv, ec_t&) { return true; }
    bool on_bool(bool, ec_t&) { return true; }
    bool on_null(ec_t&) { return true; }
    bool on_comment_part(sv, ec_t&) { return true; }
    bool on_comment(sv, ec_t&) { return true; }
};

// Whether the frame, a JSON object with an id, repeats a top-level key.
bool has_duplicate_keys(std::string_view frame) {
    boost::json::parse_options opts;
    opts.max_depth = 1000;
    boost::json::basic_parser<key_counter> p(opts);
    boost::json::error_code ec;
    p.write_some(false, frame.data(), frame.size(), ec);
    REQUIRE(!ec);
    return p.handler().keys != parse_or_abort(frame).as_object().size();
}

bool same_message(message a, message b) {
    auto by_name = [](const auto& x, const auto& y) { return x.name < y.name; };
    // The push groups a repeated name into one array: order holds within a name only.
    std::stable_sort(a.user_properties.begin(), a.user_properties.end(), by_name);
    std::stable_sort(b.user_properties.begin(), b.user_properties.end(), by_name);
    return a.topic == b.topic && a.payload == b.payload && a.content_type == b.content_type &&
           a.payload_format == b.payload_format && a.response_topic == b.response_topic &&
           a.correlation_data == b.correlation_data && a.user_properties == b.user_properties;
}

void check_publish(const publish_cmd& p) {
    message m = message_from_publish(p, "fuzz");
    m.cur = {1, 0xe, 2};
    const std::string push = encode_message_push(m, true);
    const auto v = parse_or_abort(push);
    const auto& obj = v.as_object();
    const bool as_data = is_json_text(p.payload, max_data_depth);
    REQUIRE(as_data || !p.payload_is_json); // "data" from a frame is always shown as "data"
    if (as_data) {
        std::string prefix = R"({"op":"message","channel":)";
        append_json_string(prefix, p.channel);
        prefix += ",\"data\":";
        // Byte equality, not value equality: Boost 1.81 does not round doubles correctly, and
        // the same number text can parse to different doubles in different surroundings.
        REQUIRE(push.compare(prefix.size(), p.payload.size(), p.payload) == 0);
        REQUIRE(obj.contains("data") && !obj.contains("data_b64"));
    } else {
        const auto& b64 = obj.at("data_b64").as_string();
        REQUIRE(decode_base64(std::string_view(b64.data(), b64.size())) == p.payload);
    }
    // The push's members are a publish's members (plus cursor and "from", which it ignores).
    const std::string again = R"({"id":1,"op":"publish",)" + push.substr(push.find("\"channel\""));
    limits lim;
    lim.max_frame_bytes = again.size();
    auto r = decode_request(again, lim);
    const auto* req = std::get_if<request>(&r);
    REQUIRE(req && std::holds_alternative<publish_cmd>(req->cmd));
    if (as_data && !p.payload_is_json) { // base64 bytes that were JSON come back as "data"
        m.payload_format = 1;
        if (!m.content_type) m.content_type = "application/json";
    }
    REQUIRE(same_message(m, message_from_publish(std::get<publish_cmd>(req->cmd), "fuzz")));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto r = decode_request(in);
    if (const auto* e = std::get_if<request_error>(&r)) {
        (void)parse_or_abort(encode_error(*e));
        if (e->message == "duplicate keys in the request") REQUIRE(has_duplicate_keys(in));
        return 0;
    }
    const request& req = std::get<request>(r);
    REQUIRE(!has_duplicate_keys(in));
    (void)parse_or_abort(reply_ok(req.id).field("f", req.id).str());
    if (const auto* p = std::get_if<publish_cmd>(&req.cmd)) check_publish(*p);
    return 0;
}
