// GET /v1/channels/{channel}/messages: one page of a channel's history (docs/protocol.md,
// "History").
#include "rest.hpp"

#include "await_callback.hpp"
#include "cursor_query.hpp"

#include "runnel/core/cursor.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/core/url.hpp"
#include "runnel/gateway/http/history_request.hpp"

#include <boost/beast/http/field.hpp>


namespace runnel::gateway::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

/// The request's query as history_params, or the message of a 400.
std::variant<history_params, std::string> read_params(const request_t& req, std::string channel) {
    auto target = std::string_view(req.target());
    auto qpos = target.find('?');
    auto pairs = core::parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
    if (!pairs) return std::string("malformed percent-encoding in the query");
    history_params p;
    p.channel = std::move(channel);
    for (auto& [name, value] : *pairs) {
        std::optional<std::uint64_t>* bound = name == "since_offset" ? &p.since_offset
                                              : name == "until_offset" ? &p.until_offset
                                              : name == "since_tt"     ? &p.since_tt
                                              : name == "until_tt"     ? &p.until_tt
                                                                       : nullptr;
        if (bound) {
            *bound = name.ends_with("_tt") ? core::parse_tt(value) : parse_uint(value);
            if (!*bound) return name + " must be a decimal integer, got '" + value + "'";
        } else if (name == "limit") {
            auto v = parse_uint(value);
            if (!v || *v < 1 || *v > max_history_limit) return "limit must be 1..1000, got '" + value + "'";
            p.limit = *v;
        } else if (name == "order") {
            if (value != "newest" && value != "oldest") return "order must be newest or oldest, got '" + value + "'";
            p.newest_first = value == "newest";
        } else if (name == "epoch") {
            p.epoch = std::move(value);
        } else if (name == "page") {
            p.page = std::move(value);
        }
        // Other parameters (a cache-buster) are ignored.
    }
    return p;
}

} // namespace

asio::awaitable<response> handle_history(http_context& ctx, const request_t& req, std::string channel) {
    auto ka = req.keep_alive();
    if (auto e = core::validate_topic_name(channel, ctx.topics); e != errc::ok)
        co_return json_error(422, "invalid channel name (" + make_error_code(e).message() + ")", ka);
    auto params = read_params(req, std::move(channel));
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
