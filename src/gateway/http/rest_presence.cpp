#include "rest_presence.hpp"

#include "authorize.hpp"
#include "await_callback.hpp"
#include "rest_request.hpp"
#include "streams.hpp"

#include "runnel/codec/json/text.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/core/url.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/beast/http/field.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view channels_prefix = "/v1/channels/";
constexpr std::string_view presence_suffix = "/presence";
constexpr std::string_view clients_prefix = "/v1/clients/";
constexpr std::string_view channels_suffix = "/channels";
constexpr std::string_view state_suffix = "/presence/state";
constexpr std::string_view leave_suffix = "/presence/leave";

/// `client_id` from the query, or "" (none, or malformed).
std::string query_client_id(const request_t& req) {
    auto target = std::string_view(req.target());
    auto q = target.find('?');
    if (q == target.npos) return {};
    auto pairs = core::parse_query(target.substr(q + 1));
    if (!pairs) return {};
    for (auto& [name, value] : *pairs) {
        if (name == "client_id") return value;
    }
    return {};
}

bool between(std::string_view path, std::string_view prefix, std::string_view suffix) {
    return path.size() > prefix.size() + suffix.size() && path.starts_with(prefix) && path.ends_with(suffix);
}

std::string_view inner(std::string_view path, std::string_view prefix, std::string_view suffix) {
    return path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
}

std::string here_now_body(const std::string& channel, const presence::here_now_result& r) {
    std::string out = R"({"channel":)";
    codec::json::append_json_string(out, channel);
    out += R"(,"occupancy":)" + std::to_string(r.occupancy);
    if (r.listed) {
        out += R"(,"members":[)";
        for (std::size_t i = 0; i < r.members.size(); ++i) {
            if (i) out += ',';
            out += R"({"client":)";
            codec::json::append_json_string(out, r.members[i].member);
            out += R"(,"state":)" + r.members[i].state + "}";
        }
        out += ']';
    }
    return out + "}";
}

/// The 403 or 400 for a request that names no member (none given, or presence.members is
/// verified and the caller has no verified identity), or nullopt.
std::optional<response> no_member(const presence::hub& hub, const std::string& member, bool ka) {
    if (!member.empty()) return std::nullopt;
    if (hub.rule() == presence::member_ids::verified)
        return json_error(403, "presence.members is verified: only a token, user or certificate identity is a member", ka);
    return json_error(400, "no member: use a token or ?client_id=", ka);
}

/// The presence service stopped (node shutdown): it answers queries at once with empty results,
/// which must not read as "nobody here".
response shutting_down() { return json_error(503, "server is shutting down", false); }

} // namespace

bool is_presence_rest(const request_t& req) {
    auto path = target_path(req);
    return between(path, channels_prefix, presence_suffix) || between(path, clients_prefix, channels_suffix) ||
           between(path, channels_prefix, state_suffix) || between(path, channels_prefix, leave_suffix);
}

namespace {

/// `GET` / `PUT /v1/channels/{channel}/presence/state[?client_id=ID]`: reads or sets the
/// member's state (PUT's body, a JSON object). The member is the token's subject, else
/// `client_id`; it must be present in the channel (on any protocol), else 404.
asio::awaitable<response> member_state(http_context& ctx, const request_t& req, const auth::identity& who,
                                       std::string channel, std::size_t worker) {
    auto ka = req.keep_alive();
    auto* hub = ctx.presence;
    auto member = hub->member(who, query_client_id(req));
    if (auto refusal = no_member(*hub, member, ka)) co_return std::move(*refusal);
    auto absent = member + " is not present in " + channel;
    if (req.method() == bhttp::verb::get) {
        auto state = co_await await_callback<std::optional<std::string>>([&](auto cb) {
            hub->get_state(channel, member, worker, [cb](std::optional<std::string> v) { cb(std::move(v)); });
        });
        if (hub->stopped()) co_return shutting_down();
        if (!state) co_return json_error(404, absent, ka);
        std::string out = R"({"channel":)";
        codec::json::append_json_string(out, channel);
        out += R"(,"client":)";
        codec::json::append_json_string(out, member);
        co_return json_ok(req, out + R"(,"state":)" + *state + "}");
    }
    std::string body = req.body();
    auto ec = co_await await_callback<errc>([&](auto cb) {
        hub->set_state(channel, member, std::move(body), worker, [cb](errc e) { cb(e); });
    });
    if (ec == errc::shutting_down) co_return shutting_down();
    if (ec == errc::ok) co_return json_ok(req, R"({"ok":true})");
    if (ec == errc::not_found) co_return json_error(404, absent, ka);
    if (ec == errc::packet_too_large) co_return json_error(413, "state too large (presence.max_state_bytes)", ka);
    co_return json_error(400, "state must be a JSON object", ka);
}

/// `POST /v1/channels/{channel}/presence/leave[?client_id=ID]`: the member's long-polls and
/// SSE streams leave the channel now (a `leave` unless another connection of it is still
/// there), instead of a `timeout` once it stops polling. Answers once the leave is done.
asio::awaitable<response> member_leave(http_context& ctx, const request_t& req, const auth::identity& who,
                                       std::string channel, std::size_t worker) {
    auto ka = req.keep_alive();
    auto* hub = ctx.presence;
    auto member = hub->member(who, query_client_id(req));
    if (auto refusal = no_member(*hub, member, ka)) co_return std::move(*refusal);
    auto done = co_await await_callback<bool>([&](auto cb) {
        hub->leave_matching(channel, member, presence::http_connections, worker, [cb](bool ok) { cb(ok); });
    });
    if (!done) co_return shutting_down();
    co_return json_ok(req, R"({"ok":true})");
}

} // namespace

asio::awaitable<response> handle_presence_rest(http_context& ctx, const request_t& req, const net::transport& peer,
                                               std::size_t worker) {
    auto ka = req.keep_alive();
    const auto path = std::string(target_path(req));
    const bool state = between(path, channels_prefix, state_suffix);
    const bool leave = between(path, channels_prefix, leave_suffix);
    const bool method_ok = leave ? req.method() == bhttp::verb::post
                                 : req.method() == bhttp::verb::get || (state && req.method() == bhttp::verb::put);
    if (!method_ok) {
        auto res = json_error(405, leave   ? "leave with POST"
                                   : state ? "presence state is read with GET and set with PUT"
                                           : "presence is read with GET", ka);
        res.set(bhttp::field::allow, leave ? "POST" : state ? "GET, PUT" : "GET");
        co_return res;
    }
    if (!ctx.presence) co_return json_error(501, "presence is not available on this server", ka);
    if (!ctx.ready()) co_return shutting_down();
    auto who = identify(*ctx.authn, req, peer.loopback(), std::chrono::system_clock::now(), peer.peer_identity());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    const bool here_now = between(path, channels_prefix, presence_suffix);
    auto decoded = here_now ? decode_channel(inner(path, channels_prefix, presence_suffix), ka)
                   : state  ? decode_channel(inner(path, channels_prefix, state_suffix), ka)
                   : leave  ? decode_channel(inner(path, channels_prefix, leave_suffix), ka)
                            : decode_channel(inner(path, clients_prefix, channels_suffix), ka);
    if (auto* refusal = std::get_if<response>(&decoded)) co_return std::move(*refusal);
    auto name = std::move(std::get<std::string>(decoded));
    const auto& id = std::get<auth::identity>(who);
    auto* hub = ctx.presence;
    if (state || here_now || leave) { // all name a presence channel: a channel, or a wildcard
        // filter (a wildcard subscription's presence channel is the filter itself); the grant
        // must cover the whole filter, as a subscription's grant does. Leaving is the HTTP
        // client's unsubscribe: it takes the subscribe grant its polls needed.
        if (core::validate_filter(name, ctx.topics) != errc::ok || core::parse_shared(name))
            co_return json_error(422, "invalid channel name or filter", ka);
        if (leave) {
            if (auto d = authorize(id, auth::action::subscribe, name)) {
                ctx.denied->count(d->action);
                co_return denial_response(*d, ka);
            }
            co_return co_await member_leave(ctx, req, id, std::move(name), worker);
        }
        if (auto d = authorize(id, auth::action::presence, name)) {
            ctx.denied->count(d->action);
            co_return denial_response(*d, ka);
        }
        if (state) co_return co_await member_state(ctx, req, id, std::move(name), worker);
        auto r = co_await await_callback<presence::here_now_result>([&](auto cb) {
            hub->here_now(name, worker, [cb](presence::here_now_result v) { cb(std::move(v)); });
        });
        if (hub->stopped()) co_return shutting_down();
        co_return json_ok(req, here_now_body(name, r));
    }
    auto channels = co_await await_callback<std::vector<std::string>>([&](auto cb) {
        hub->where_now(name, worker, [cb](std::vector<std::string> v) { cb(std::move(v)); });
    });
    if (hub->stopped()) co_return shutting_down();
    // Only the channels whose presence the caller may read.
    std::string out = R"({"client":)";
    codec::json::append_json_string(out, name);
    out += R"(,"channels":[)";
    bool first = true;
    for (const auto& c : channels) {
        if (!id.may(auth::action::presence, c)) continue;
        if (!first) out += ',';
        first = false;
        codec::json::append_json_string(out, c);
    }
    co_return json_ok(req, out + "]}");
}

} // namespace runnel::gateway::http
