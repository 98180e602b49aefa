#include "responses.hpp"

#include "runnel/codec/json/text.hpp"

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace runnel::gateway::http {
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

/// "https://a.example:8443" -> "a.example:8443"
std::string_view host_of_origin(std::string_view origin) {
    auto p = origin.find("://");
    return p == std::string_view::npos ? origin : origin.substr(p + 3);
}

} // namespace

void add_cors(const http_context& ctx, const request_t& req, response& res) {
    auto origin = req[bhttp::field::origin];
    if (origin.empty() || ctx.opts.cors_origins.empty()) return;
    bool any = std::find(ctx.opts.cors_origins.begin(), ctx.opts.cors_origins.end(), "*") != ctx.opts.cors_origins.end();
    if (!any && !origin_allowed(ctx, req)) return;
    res.set(bhttp::field::access_control_allow_origin, any ? "*" : std::string(origin));
    if (!any) res.set(bhttp::field::vary, "Origin");
}

response json_error(unsigned status, std::string_view message, bool keep_alive) {
    response res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::server, "runnel");
    res.set(bhttp::field::content_type, "application/json");
    // The message often quotes the request (a path, a query value): escaped with the codec's
    // escaper, so control characters and bytes that are not UTF-8 still give valid JSON.
    std::string body = "{\"error\":{\"code\":" + std::to_string(status) + ",\"message\":";
    codec::json::append_json_string(body, message);
    res.body() = std::move(body) + "}}";
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

response parse_error_response(const boost::system::error_code& ec) {
    if (ec == bhttp::error::body_limit) return json_error(413, "request body too large");
    if (ec == bhttp::error::header_limit) return json_error(431, "request header fields too large");
    if (ec == bhttp::error::bad_transfer_encoding) return json_error(501, "transfer encoding not supported");
    return json_error(400, "malformed HTTP request: " + ec.message());
}

std::string serialize(const response& res) {
    std::string out;
    bhttp::response_serializer<bhttp::string_body> sr{res};
    beast::error_code ec;
    while (!sr.is_done()) {
        sr.next(ec, [&](beast::error_code&, const auto& buffers) {
            for (auto b : beast::buffers_range_ref(buffers)) out.append(static_cast<const char*>(b.data()), b.size());
            sr.consume(beast::buffer_bytes(buffers));
        });
        if (ec) break;
    }
    return out;
}

std::string_view target_path(const request_t& req) {
    auto target = std::string_view(req.target());
    if (auto q = target.find('?'); q != target.npos) target = target.substr(0, q);
    return target;
}

bool origin_allowed(const http_context& ctx, const request_t& req) {
    auto origin = std::string_view(req[bhttp::field::origin]);
    if (origin.empty()) return true; // not a browser: Origin is a browser's promise, nothing else
    for (const auto& o : ctx.opts.cors_origins) {
        if (o == "*" || o == origin) return true;
    }
    return host_of_origin(origin) == std::string_view(req[bhttp::field::host]);
}

std::optional<response> check_upgrade(const http_context& ctx, const request_t& req, std::string_view subprotocol) {
    if (!origin_allowed(ctx, req)) return json_error(403, "origin not allowed (http.cors_origins)");
    auto offered = std::string_view(req[bhttp::field::sec_websocket_protocol]);
    if (subprotocol == "mqtt" && choose_mqtt_subprotocol(offered).empty())
        return json_error(400, "MQTT over WebSocket needs the subprotocol \"mqtt\"");
    // The JSON protocol is the default: no subprotocol is fine, only others is not.
    if (subprotocol == "runnel.json" && !offered.empty() && choose_json_subprotocol(offered).empty())
        return json_error(400, "this path speaks the subprotocol \"runnel.json\"");
    return std::nullopt;
}

namespace {
bool offers(std::string_view offered, std::string_view name) {
    while (!offered.empty()) {
        auto comma = offered.find(',');
        auto item = offered.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == name) return true;
        if (comma == std::string_view::npos) break;
        offered.remove_prefix(comma + 1);
    }
    return false;
}
} // namespace

std::string choose_json_subprotocol(std::string_view offered) {
    return offers(offered, "runnel.json") ? "runnel.json" : "";
}

std::string choose_mqtt_subprotocol(std::string_view offered) {
    std::string found;
    while (!offered.empty()) {
        auto comma = offered.find(',');
        auto item = offered.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == "mqtt") return "mqtt";
        if (item == "mqttv3.1" && found.empty()) found = "mqttv3.1";
        if (comma == std::string_view::npos) break;
        offered.remove_prefix(comma + 1);
    }
    return found;
}

response json_ok(const request_t& req, std::string body) {
    response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::server, "runnel");
    res.set(bhttp::field::content_type, "application/json");
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

response route(http_context& ctx, const request_t& req) {
    auto path = target_path(req);
    response res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::server, "runnel");
    bool known = path == "/healthz" || path == "/readyz";
    if (req.method() == bhttp::verb::options && !req[bhttp::field::access_control_request_method].empty()) {
        res.result(bhttp::status::no_content);
        add_cors(ctx, req, res);
        res.set(bhttp::field::access_control_allow_methods, "GET, POST, OPTIONS");
        res.set(bhttp::field::access_control_allow_headers, "Authorization, Content-Type, Idempotency-Key, Last-Event-ID");
        res.set(bhttp::field::access_control_max_age, "600");
    } else if (!known) {
        res = json_error(404, "no such path: " + std::string(path), req.keep_alive());
    } else if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
        res = json_error(405, "method not allowed", req.keep_alive());
        res.set(bhttp::field::allow, "GET, HEAD");
    } else if (path == "/healthz") {
        res.set(bhttp::field::content_type, "application/json");
        res.body() = R"({"status":"ok"})";
    } else {
        bool ok = ctx.ready();
        if (!ok) res.result(bhttp::status::service_unavailable);
        res.set(bhttp::field::content_type, "application/json");
        res.body() = ok ? R"({"status":"ready"})" : R"({"status":"not ready"})";
    }
    add_cors(ctx, req, res);
    res.keep_alive(req.keep_alive());
    if (req.method() == bhttp::verb::head) res.body().clear();
    res.prepare_payload();
    return res;
}

} // namespace runnel::gateway::http
