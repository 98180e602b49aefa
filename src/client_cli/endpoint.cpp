// --via and --url into an endpoint; HTTP targets. Boost.URL parses the URL.
#include "runnel/client_cli/endpoint.hpp"

#include "runnel/core/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace runnel::client_cli {

namespace {

struct scheme_info {
    std::string_view name;
    via natural; // what the scheme means without --via
    bool tls;
    std::uint16_t port;
};

constexpr scheme_info schemes[] = {
    {"mqtt", via::mqtt, false, 1883}, {"mqtts", via::mqtt, true, 8883},
    {"ws", via::ws, false, 80},       {"wss", via::ws, true, 443},
    {"http", via::http, false, 80},   {"https", via::http, true, 443},
};

bool fits(via v, via natural) {
    if (v == natural) return true;
    if (v == via::ws || v == via::sse) return natural == via::http; // same HTTP listener
    return false;
}

void append_filters(std::string& out, const std::vector<std::string>& filters) {
    char sep = '?';
    for (const auto& f : filters) {
        out += sep;
        out += "channel=";
        out += core::percent_encode(f);
        sep = '&';
    }
}

} // namespace

const char* to_string(via v) noexcept {
    switch (v) {
    case via::mqtt: return "mqtt";
    case via::ws: return "ws";
    case via::http: return "http";
    case via::sse: return "sse";
    }
    return "?";
}

std::optional<via> parse_via(std::string_view s) noexcept {
    for (via v : {via::mqtt, via::ws, via::http, via::sse}) {
        if (s == to_string(v)) return v;
    }
    return std::nullopt;
}

std::string_view default_url(via v) noexcept {
    switch (v) {
    case via::mqtt: return "mqtt://127.0.0.1:1883";
    case via::ws: return "ws://127.0.0.1:8080/ws";
    case via::http:
    case via::sse: return "http://127.0.0.1:8080";
    }
    return "";
}

std::string endpoint::authority() const {
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

endpoint resolve_endpoint(std::optional<via> v, std::string_view url) {
    if (url.empty()) url = default_url(v.value_or(via::mqtt));
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) throw usage_error("--url '" + std::string(url) + "' is not a URL (scheme://host:port/path)");
    auto u = *parsed;
    const scheme_info* s = nullptr;
    for (const auto& cand : schemes) {
        if (u.scheme() == cand.name) s = &cand;
    }
    if (!s) throw usage_error("--url: unknown scheme '" + std::string(u.scheme()) + "' (mqtt, mqtts, ws, wss, http, https)");
    endpoint e;
    e.via = v.value_or(s->natural);
    if (!fits(e.via, s->natural))
        throw usage_error(std::string("--via ") + to_string(e.via) + " does not go with a " + std::string(s->name) + ":// URL");
    if (u.has_userinfo()) throw usage_error("--url: put credentials in -u/-P or --token, not in the URL");
    if (u.host_type() == boost::urls::host_type::none || u.host().empty()) throw usage_error("--url: no host");
    e.tls = s->tls;
    e.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.host_address()) : std::string(u.host());
    e.port = s->port;
    if (u.has_port()) {
        // Boost.URL keeps only the low 16 bits of a longer number: check the digits.
        std::string digits(u.port());
        bool ok = !digits.empty() && digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string::npos;
        unsigned long n = ok ? std::stoul(digits) : 0;
        if (n == 0 || n > 65535) throw usage_error("--url: bad port '" + digits + "'");
        e.port = static_cast<std::uint16_t>(n);
    }
    std::string path(u.encoded_path());
    if (e.via == via::mqtt) {
        if (!(path.empty() || path == "/") || u.has_query())
            throw usage_error("--url: an MQTT URL has no path or query");
    } else if (e.via == via::ws) {
        e.target = path.empty() || path == "/" ? "/ws" : path;
        if (u.has_query()) e.target += "?" + std::string(u.encoded_query());
    } else {
        if (u.has_query()) throw usage_error("--url: an http URL for pub/sub takes no query");
        while (!path.empty() && path.back() == '/') path.pop_back();
        e.target = path;
    }
    return e;
}

std::string publish_target(std::string_view prefix, std::string_view channel) {
    return std::string(prefix) + "/v1/channels/" + core::percent_encode(channel) + "/messages";
}

std::string history_target(std::string_view prefix, std::string_view channel,
                           const std::vector<std::pair<std::string, std::string>>& query) {
    std::string out = publish_target(prefix, channel);
    char sep = '?';
    for (const auto& [name, value] : query) {
        out += sep + name + '=' + core::percent_encode(value);
        sep = '&';
    }
    return out;
}

std::string poll_target(std::string_view prefix, const std::vector<std::string>& filters,
                        std::optional<std::string_view> cursor, unsigned timeout_seconds) {
    std::string out = std::string(prefix) + "/v1/subscribe";
    append_filters(out, filters);
    if (cursor) out += "&cursor=" + core::percent_encode(*cursor);
    out += "&timeout=" + std::to_string(timeout_seconds);
    return out;
}

std::string stream_target(std::string_view prefix, const std::vector<std::string>& filters,
                          std::optional<std::string_view> cursor) {
    std::string out = std::string(prefix) + "/v1/stream";
    append_filters(out, filters);
    if (cursor) out += "&cursor=" + core::percent_encode(*cursor);
    return out;
}

} // namespace runnel::client_cli
