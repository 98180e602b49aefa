#include "rest_presence.hpp"

#include "authorize.hpp"
#include "await_callback.hpp"
#include "rest_request.hpp"

#include "runnel/codec/json/text.hpp"
#include "runnel/core/topic.hpp"
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

} // namespace

bool is_presence_rest(const request_t& req) {
    auto path = target_path(req);
    return between(path, channels_prefix, presence_suffix) || between(path, clients_prefix, channels_suffix);
}

asio::awaitable<response> handle_presence_rest(http_context& ctx, const request_t& req, const net::transport& peer,
                                               std::size_t worker) {
    auto ka = req.keep_alive();
    if (req.method() != bhttp::verb::get) {
        auto res = json_error(405, "presence is read with GET", ka);
        res.set(bhttp::field::allow, "GET");
        co_return res;
    }
    if (!ctx.presence) co_return json_error(501, "presence is not available on this server", ka);
    if (!ctx.ready()) co_return json_error(503, "server is shutting down", false);
    auto who = identify(*ctx.authn, req, peer.loopback(), std::chrono::system_clock::now(), peer.peer_identity());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    const auto path = std::string(target_path(req));
    const bool here_now = between(path, channels_prefix, presence_suffix);
    auto decoded = here_now ? decode_channel(inner(path, channels_prefix, presence_suffix), ka)
                            : decode_channel(inner(path, clients_prefix, channels_suffix), ka);
    if (auto* refusal = std::get_if<response>(&decoded)) co_return std::move(*refusal);
    auto name = std::move(std::get<std::string>(decoded));
    const auto& id = std::get<auth::identity>(who);
    auto* hub = ctx.presence;
    if (here_now) {
        if (core::validate_topic_name(name, ctx.topics) != errc::ok)
            co_return json_error(422, "invalid channel name", ka);
        if (auto d = authorize(id, auth::action::presence, name)) {
            ctx.denied->count(d->action);
            co_return denial_response(*d, ka);
        }
        auto r = co_await await_callback<presence::here_now_result>([&](auto cb) {
            hub->here_now(name, worker, [cb](presence::here_now_result v) { cb(std::move(v)); });
        });
        co_return json_ok(req, here_now_body(name, r));
    }
    auto channels = co_await await_callback<std::vector<std::string>>([&](auto cb) {
        hub->where_now(name, worker, [cb](std::vector<std::string> v) { cb(std::move(v)); });
    });
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
