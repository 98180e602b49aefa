// GET /v1/channels/{channel}/messages: one page of a channel's history (docs/protocol.md,
// "History").
#include "rest.hpp"

#include "await_callback.hpp"
#include "rest_request.hpp"

#include "runnel/core/topic.hpp"
#include "runnel/gateway/http/history_request.hpp"

#include <boost/beast/http/field.hpp>


namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

asio::awaitable<response> handle_history(http_context& ctx, const request_t& req, std::string channel) {
    auto ka = req.keep_alive();
    if (auto e = core::validate_topic_name(channel, ctx.topics); e != errc::ok)
        co_return json_error(422, "invalid channel name (" + make_error_code(e).message() + ")", ka);
    auto params = read_history_params(req, std::move(channel));
    if (auto* bad = std::get_if<std::string>(&params)) co_return json_error(400, *bad, ka);
    auto planned = plan_history(std::move(std::get<history_params>(params)));
    if (auto* bad = std::get_if<std::string>(&planned)) co_return json_error(400, *bad, ka);
    auto plan = std::move(std::get<history_plan>(planned));
    auto page = co_await await_callback<broker::history_page>([&](auto cb) {
        ctx.broker->history(plan.q, [cb](broker::history_page p) { cb(std::move(p)); });
    });
    if (page.error) co_return json_error(503, page.reason, ka);
    auto res = json_ok(req, "{" + history_members(plan, page) + "}");
    res.set(bhttp::field::cache_control, "no-store");
    co_return res;
}

} // namespace runnel::gateway::http
