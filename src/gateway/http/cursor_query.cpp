#include "cursor_query.hpp"

#include "runnel/core/cursor.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/core/url.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/beast/http/field.hpp>

#include <charconv>

namespace runnel::gateway::http {
namespace bhttp = boost::beast::http;

namespace {

response bad(std::string_view message, bool ka) { return json_error(400, message, ka); }

} // namespace

std::optional<std::uint64_t> parse_uint(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::variant<cursor_query, response> read_cursor_query(const request_t& req, const core::topic_limits& topics,
                                                       limits::guard* guard) {
    auto ka = req.keep_alive();
    auto target = std::string_view(req.target());
    auto qpos = target.find('?');
    auto pairs = core::parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
    if (!pairs) return bad("malformed percent-encoding in the query", ka);
    cursor_query q;
    for (auto& [name, value] : *pairs) {
        if (name == "channel") {
            if (q.filters.size() == max_query_channels) return bad("more than 64 channel parameters", ka);
            if (auto full = guard ? guard->refuse_subscription(q.filters.size()) : std::nullopt)
                return json_error(429, *full, ka);
            if (core::parse_shared(value)) return json_error(422, "$share/ filters are for MQTT clients: " + value, ka);
            if (auto e = core::validate_filter(value, topics); e != errc::ok)
                return json_error(422, "invalid channel filter '" + value + "' (" + make_error_code(e).message() + ")", ka);
            q.filters.push_back(std::move(value));
        } else if (name == "cursor") {
            q.cursor = core::parse_tt(value);
            if (!q.cursor) return bad("cursor must be a timetoken (a decimal string), got '" + value + "'", ka);
        } else if (name == "timeout") {
            auto v = parse_uint(value);
            if (!v || *v > static_cast<std::uint64_t>(max_poll_timeout.count()))
                return bad("timeout must be 0..300 seconds, got '" + value + "'", ka);
            q.timeout = std::chrono::seconds(*v);
        } else if (name == "limit") {
            auto v = parse_uint(value);
            if (!v || *v < 1 || *v > max_poll_limit) return bad("limit must be 1..1000, got '" + value + "'", ka);
            q.limit = *v;
        } else if (name == "client_id") {
            if (value.empty() || value.size() > 256 || value.find('\0') != std::string::npos)
                return bad("client_id must be 1..256 bytes without NUL", ka);
            q.client_id = std::move(value);
        } else if (name == "presence") {
            q.presence = presence::parse_opt_in(value);
            if (!q.presence) return bad("presence must be 1, true, 0 or false, got '" + value + "'", ka);
        }
        // Other parameters (a cache-buster, a token for a later version) are ignored.
    }
    if (q.filters.empty()) return bad("at least one channel parameter is required", ka);
    if (auto last = std::string_view(req["Last-Event-ID"]); !last.empty()) {
        q.cursor = core::parse_tt(last);
        if (!q.cursor) return bad("Last-Event-ID must be a timetoken, got '" + std::string(last) + "'", ka);
    }
    return q;
}

} // namespace runnel::gateway::http
