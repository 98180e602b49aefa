// libFuzzer target for HTTP request handling (docs/fuzzing.md). The input is what a client
// sends on one connection: Beast's request parser reads it with the server's header and body
// limits (config defaults), fed in pieces the way http_session.cpp feeds it, and every request
// that parses goes through the pure request handling the server runs on it: routing
// (/healthz, CORS preflight, 404/405), Origin and upgrade checks, token extraction, the
// long-poll/SSE query, the REST path, publish message and history query (with the page token
// planned), and the admin revocation body. The coroutine files stay out of the build (clang 14
// cannot compile them with the sanitizers); their pure pieces are compiled here on their own.
//
// The first input byte sets the piece size (1..128 bytes, low 7 bits) and, with its high bit,
// the smallest limits a config allows instead of the defaults; the rest is the connection's bytes.
// Aborts unless every JSON answer (errors quote paths, query values, token reasons) is valid
// JSON with the status as error.code, and the values handed on respect their documented bounds.
#include "authorize.hpp"
#include "cursor_query.hpp"
#include "fuzz_keys.hpp"
#include "fuzz_require.hpp"
#include "request_token.hpp"
#include "responses.hpp"
#include "rest_request.hpp"
#include "revocation_request.hpp"

#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/token.hpp"
#include "runnel/codec/json/text.hpp"
#include "runnel/config/options.hpp"
#include "runnel/core/topic.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace runnel;
using namespace runnel::gateway::http;
namespace bhttp = boost::beast::http;
constexpr std::int64_t now = 1'800'000'000;

http_context& context() {
    static http_context ctx = [] {
        http_context c;
        c.opts.cors_origins = {"https://app.example"};
        c.ready = [] { return true; };
        return c;
    }();
    return ctx;
}

using fuzz::keys;

/// A JSON answer must parse (strict UTF-8) and, for an error, carry its status and a message.
void check_json(const response& res) {
    if (std::string_view(res[bhttp::field::content_type]) != "application/json" || res.body().empty()) return;
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    if (ec) {
        std::fprintf(stderr, "answer is not JSON (%s): %s\n", ec.message().c_str(), res.body().c_str());
        std::abort();
    }
    if (res.result_int() >= 400) {
        const auto* err = v.is_object() ? v.as_object().if_contains("error") : nullptr;
        REQUIRE(err && err->is_object());
        const auto* code = err->as_object().if_contains("code");
        REQUIRE(code && code->is_int64() && code->as_int64() == res.result_int());
        const auto* msg = err->as_object().if_contains("message");
        REQUIRE(msg && msg->is_string());
    }
    REQUIRE(serialize(res).starts_with("HTTP/1.")); // 1.0 answers a 1.0 request (route, json_ok)
}

void check_error_text(unsigned status, std::string_view message) { check_json(json_error(status, message)); }

void check_tokens(const request_t& req) {
    auto tok = request_token(req);
    if (auto* bad = std::get_if<bad_token_syntax>(&tok)) {
        REQUIRE(!bad->message.empty());
        check_error_text(401, bad->message);
    } else if (auto* t = std::get_if<std::string>(&tok)) {
        REQUIRE(!t->empty());
        auth::token_error why;
        if (!auth::verify(*t, keys(), now, auth::verify_options{}, why)) check_error_text(401, why.reason);
    }
}

/// Who the request is (a token from the header or the query, or anonymous on loopback only),
/// then whether it may act on a channel its path or query names.
void check_identity(const request_t& req) {
    static const auth::static_authenticator authn([] {
        auth::static_options o;
        o.keys = {*keys().find("main"), *keys().find("legacy")};
        o.anonymous_grants = auth::grant_set({{"public/#", auth::all_channel_actions}});
        return o;
    }(), nullptr, [] { return now; });
    for (bool loopback : {true, false}) {
        auto who = identify(authn, req, loopback, std::chrono::system_clock::time_point(std::chrono::seconds(now)));
        if (auto* d = std::get_if<denial>(&who)) {
            REQUIRE(d->status == 400 || d->status == 401);
            check_json(denial_response(*d, req.keep_alive()));
            continue;
        }
        const auto& id = std::get<auth::identity>(who);
        REQUIRE(loopback || !id.anonymous); // anonymous is loopback only by default
        // The target as a channel filter, when it is one (the gateways validate before they ask).
        std::string_view target(req.target());
        if (!target.empty() && target.front() == '/') target.remove_prefix(1);
        if (core::validate_filter(target, core::topic_limits{}) != errc::ok) continue;
        for (auto a : {auth::action::subscribe, auth::action::publish, auth::action::history}) {
            if (auto d = authorize(id, a, target)) {
                REQUIRE(d->status == 403);
                check_json(denial_response(*d, req.keep_alive()));
            }
        }
    }
}

void check_cursor_query(const request_t& req) {
    const core::topic_limits topics;
    auto q = read_cursor_query(req, topics, nullptr);
    if (auto* res = std::get_if<response>(&q)) {
        REQUIRE(res->result_int() >= 400);
        return check_json(*res);
    }
    const auto& c = std::get<cursor_query>(q);
    REQUIRE(!c.filters.empty() && c.filters.size() <= max_query_channels);
    for (const auto& f : c.filters) REQUIRE(core::validate_filter(f, topics) == errc::ok);
    REQUIRE(c.timeout <= max_poll_timeout && c.limit >= 1 && c.limit <= max_poll_limit);
}

void check_rest(const request_t& req) {
    if (!is_rest(req)) return;
    auto routed = route_rest(req);
    if (auto* res = std::get_if<response>(&routed)) return check_json(*res);
    const auto route = std::get<rest_route>(routed);
    auto decoded = decode_channel(route.encoded_channel, req.keep_alive());
    if (auto* res = std::get_if<response>(&decoded)) return check_json(*res);
    auto channel = std::get<std::string>(decoded);
    const core::topic_limits topics;
    if (!route.get) {
        auto built = publish_message(req, channel, topics);
        if (auto* res = std::get_if<response>(&built)) return check_json(*res);
        const auto& m = std::get<core::message>(built);
        REQUIRE(m.topic == channel && m.payload == req.body() && m.idempotency_key.size() <= 256);
        REQUIRE(core::validate_topic_name(m.topic, topics) == errc::ok);
        if (m.payload_format == 1) REQUIRE(codec::json::is_json_text(m.payload));
        return;
    }
    if (core::validate_topic_name(channel, topics) != errc::ok) return;
    auto params = read_history_params(req, channel);
    if (auto* bad = std::get_if<std::string>(&params)) return check_error_text(400, *bad);
    auto planned = plan_history(std::move(std::get<history_params>(params)));
    if (auto* bad = std::get_if<std::string>(&planned)) return check_error_text(400, *bad);
    const auto& plan = std::get<history_plan>(planned);
    REQUIRE(plan.q.channel == channel && plan.q.limit >= 1 && plan.q.limit <= max_history_limit);
}

void check_admin_body(const request_t& req) {
    std::string error;
    auto r = parse_revocation(req.body(), now, 86400, 30, error);
    if (!r) return check_error_text(400, error);
    std::string json = revocation_json(*r);
    boost::system::error_code ec;
    boost::json::parse(json, ec);
    REQUIRE(!ec);
}

void handle(const request_t& req) {
    auto& ctx = context();
    auto routed = route(ctx, req);
    add_cors(ctx, req, routed);
    check_json(routed);
    (void)origin_allowed(ctx, req);
    for (auto sub : {"mqtt", "runnel.json"}) {
        if (auto refusal = check_upgrade(ctx, req, sub)) check_json(*refusal);
    }
    check_tokens(req);
    check_identity(req);
    check_cursor_query(req);
    check_rest(req);
    check_admin_body(req);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = std::size_t{data[0] & 0x7fu} + 1;
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    config::http_options limits; // the defaults: max_header 16 KiB, max_body 1 MiB
    if ((data[0] & 0x80u) != 0) { // the smallest a config allows for the header, a small body
        limits.max_header = 1024;  // (inputs stay under 4 KiB, so only these reach the limits)
        limits.max_body = 100;
    }
    std::string buf;                   // received, not yet parsed (http_session.cpp's session::buf)
    // Pipelined requests on one connection, read the way session::read does.
    for (int requests = 0; requests < 8; ++requests) {
        bhttp::request_parser<bhttp::string_body> p;
        p.header_limit(static_cast<std::uint32_t>(limits.max_header));
        p.body_limit(limits.max_body);
        boost::system::error_code ec;
        for (;;) {
            if (!buf.empty()) {
                const auto used = p.put(boost::asio::buffer(buf), ec);
                buf.erase(0, used);
                if (p.is_done()) break;
                if (ec == bhttp::error::need_more) ec = {};
                if (ec) {
                    auto res = parse_error_response(ec);
                    REQUIRE(res.result_int() >= 400);
                    check_json(res);
                    return 0; // the session answers and closes
                }
                if (used > 0 && !buf.empty()) continue;
            }
            if (in.empty()) { // the peer closed
                if (!p.got_some()) return 0;
                p.put_eof(ec);
                if (ec || !p.is_done()) return 0;
                break;
            }
            const auto n = std::min(piece, in.size());
            buf.append(in.substr(0, n));
            in.remove_prefix(n);
        }
        handle(p.get());
    }
    return 0;
}
