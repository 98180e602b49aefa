#include "rest_request.hpp"

#include "cursor_query.hpp"

#include "runnel/codec/json/text.hpp"
#include "runnel/core/cursor.hpp"
#include "runnel/core/url.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/beast/http/field.hpp>

namespace runnel::gateway::http {
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view channels_prefix = "/v1/channels/";
constexpr std::string_view messages_suffix = "/messages";

bool is_json_type(std::string_view ct) {
    auto semi = ct.find(';');
    auto base = ct.substr(0, semi);
    return base == "application/json" || (base.starts_with("application/") && base.ends_with("+json"));
}

} // namespace

bool is_rest(const request_t& req) { return target_path(req).starts_with(channels_prefix); }

std::variant<rest_route, response> route_rest(const request_t& req) {
    auto path = target_path(req);
    auto ka = req.keep_alive();
    if (!path.ends_with(messages_suffix) || path.size() <= channels_prefix.size() + messages_suffix.size())
        return json_error(404, "no such path: " + std::string(path), ka);
    bool get = req.method() == bhttp::verb::get;
    if (req.method() != bhttp::verb::post && !get) {
        auto res = json_error(405, "use POST to publish, GET to read the history", ka);
        res.set(bhttp::field::allow, "GET, POST");
        return res;
    }
    return rest_route{path.substr(channels_prefix.size(), path.size() - channels_prefix.size() - messages_suffix.size()),
                      get};
}

std::variant<std::string, response> decode_channel(std::string_view encoded, bool keep_alive) {
    auto channel = core::percent_decode(encoded);
    if (!channel) return json_error(400, "malformed percent-encoding in the channel name", keep_alive);
    return std::move(*channel);
}

std::variant<core::message, response> publish_message(const request_t& req, std::string channel,
                                                      const core::topic_limits& topics) {
    auto ka = req.keep_alive();
    if (channel.starts_with("$SYS")) return json_error(403, "$SYS channels are the server's", ka);
    if (presence::server_channel(channel)) return json_error(403, "$presence channels are the server's", ka);
    if (auto e = core::validate_topic_name(channel, topics); e != errc::ok)
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

std::variant<history_params, std::string> read_history_params(const request_t& req, std::string channel) {
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

} // namespace runnel::gateway::http
