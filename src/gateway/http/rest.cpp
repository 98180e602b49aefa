#include "rest.hpp"

#include "authorize.hpp"
#include "await_callback.hpp"
#include "rest_request.hpp"

#include "runnel/broker/broker.hpp"

#include <boost/beast/http/field.hpp>

namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

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

asio::awaitable<response> handle_rest(http_context& ctx, const request_t& req, bool loopback,
                                      limits::token_bucket& publish_bucket) {
    auto ka = req.keep_alive();
    auto routed = route_rest(req);
    if (auto* refusal = std::get_if<response>(&routed)) co_return std::move(*refusal);
    const rest_route route = std::get<rest_route>(routed); // no structured binding: GCC 12 coroutines
    if (!ctx.ready()) co_return json_error(503, "server is shutting down", false);
    auto who = identify(*ctx.authn, req, loopback, std::chrono::system_clock::now());
    if (auto* d = std::get_if<denial>(&who)) {
        if (d->counted()) ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    auto decoded = decode_channel(route.encoded_channel, ka);
    if (auto* refusal = std::get_if<response>(&decoded)) co_return std::move(*refusal);
    auto channel = std::move(std::get<std::string>(decoded));
    if (auto d = authorize(std::get<auth::identity>(who), route.get ? auth::action::history : auth::action::publish,
                           channel)) {
        ctx.denied->count(d->action);
        co_return denial_response(*d, ka);
    }
    if (route.get) co_return co_await handle_history(ctx, req, std::move(channel));
    auto built = publish_message(req, std::move(channel), ctx.topics);
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
