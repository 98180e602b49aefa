#include "rest.hpp"

#include "authorize.hpp"
#include "await_callback.hpp"

#include "runnel/broker/broker.hpp"
#include "runnel/codec/json/text.hpp"
#include "runnel/core/url.hpp"

#include <boost/beast/http/field.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view channels_prefix = "/v1/channels/";
constexpr std::string_view messages_suffix = "/messages";

bool is_json_type(std::string_view ct) {
    auto semi = ct.find(';');
    auto base = ct.substr(0, semi);
    return base == "application/json" || (base.starts_with("application/") && base.ends_with("+json"));
}

/// Builds the message of a publish, or the refusal.
std::variant<core::message, response> message_of(http_context& ctx, const request_t& req, std::string channel) {
    auto ka = req.keep_alive();
    if (channel.starts_with("$SYS")) return json_error(403, "$SYS channels are the server's", ka);
    if (auto e = core::validate_topic_name(channel, ctx.topics); e != errc::ok)
        return json_error(422, "invalid channel name (" + make_error_code(e).message() + ")", ka);
    if (!req.has_content_length() && !req.chunked()) return json_error(411, "Content-Length required", ka);
    auto enc = std::string_view(req[bhttp::field::content_encoding]);
    if (!enc.empty() && enc != "identity") return json_error(415, "Content-Encoding is not supported", ka);
    core::message m;
    m.topic = std::move(channel);
    m.payload = req.body();
    auto ct = std::string_view(req[bhttp::field::content_type]);
    if (!ct.empty()) m.content_type = std::string(ct);
    if (is_json_type(ct)) {
        if (!codec::json::is_json_text(m.payload)) return json_error(400, "body is not valid JSON", ka);
        m.payload_format = 1;
    }
    auto cid = std::string_view(req["X-Client-Id"]);
    m.origin_client = std::string(cid);
    // A retry with the same key within the window answers with the first publish's cursor.
    auto key = std::string_view(req["Idempotency-Key"]);
    if (key.size() > 256) return json_error(400, "Idempotency-Key is longer than 256 bytes", ka);
    m.idempotency_key = std::string(key);
    return m;
}

/// The refusal of a publish over a limit (message size, then rate), or nullopt.
std::optional<response> check_limits(http_context& ctx, const request_t& req, const core::message& m,
                                     limits::token_bucket& bucket) {
    auto ka = req.keep_alive();
    if (auto big = ctx.guard->refuse_message(m.topic, m.payload.size())) return json_error(413, *big, ka);
    auto now = std::chrono::steady_clock::now();
    if (bucket.try_take(now)) return std::nullopt;
    auto wait = bucket.wait(now);
    auto res = json_error(429, ctx.guard->refuse_publish_rate(wait), ka);
    res.set(bhttp::field::retry_after, std::to_string(limits::retry_after(wait).count()));
    return res;
}

} // namespace

bool is_rest(const request_t& req) { return target_path(req).starts_with(channels_prefix); }

asio::awaitable<response> handle_rest(http_context& ctx, const request_t& req, bool loopback,
                                      limits::token_bucket& publish_bucket) {
    auto path = target_path(req);
    auto ka = req.keep_alive();
    if (!path.ends_with(messages_suffix) || path.size() <= channels_prefix.size() + messages_suffix.size())
        co_return json_error(404, "no such path: " + std::string(path), ka);
    auto encoded = path.substr(channels_prefix.size(), path.size() - channels_prefix.size() - messages_suffix.size());
    bool get = req.method() == bhttp::verb::get;
    if (req.method() != bhttp::verb::post && !get) {
        auto res = json_error(405, "use POST to publish, GET to read the history", ka);
        res.set(bhttp::field::allow, "GET, POST");
        co_return res;
    }
    if (!ctx.ready()) co_return json_error(503, "server is shutting down", false);
    auto who = identify(*ctx.authn, req, loopback, std::chrono::system_clock::now());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    auto channel = core::percent_decode(encoded);
    if (!channel) co_return json_error(400, "malformed percent-encoding in the channel name", ka);
    if (auto d = authorize(std::get<auth::identity>(who), get ? auth::action::history : auth::action::publish, *channel)) {
        ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    if (get) co_return co_await handle_history(ctx, req, std::move(*channel));
    auto built = message_of(ctx, req, std::move(*channel));
    if (auto* refusal = std::get_if<response>(&built)) co_return std::move(*refusal);
    if (auto refusal = check_limits(ctx, req, std::get<core::message>(built), publish_bucket)) co_return std::move(*refusal);

    // Answer once the message is routed and durable (the retention log's sync policy).
    auto ack = co_await await_callback<broker::publish_ack>([&](auto cb) {
        ctx.broker->publish(std::move(std::get<core::message>(built)), [cb](const broker::publish_ack& a) { cb(a); });
    });
    if (ack.error) {
        auto res = json_error(503, "not stored: " + ack.reason, ka);
        res.set(bhttp::field::retry_after, "1");
        co_return res;
    }
    co_return json_ok(req, "{\"ok\":true,\"matched\":" + std::to_string(ack.reached) + ",\"offset\":" +
                               std::to_string(ack.cur.offset) + ",\"epoch\":\"" + core::epoch_string(ack.cur.epoch) +
                               "\",\"tt\":\"" + core::tt_string(ack.cur.tt) + "\"" +
                               (ack.duplicate ? ",\"duplicate\":true}" : "}"));
}

} // namespace runnel::gateway::http
