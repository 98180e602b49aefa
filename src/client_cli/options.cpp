// Flag checks for pub and sub: every combination a transport cannot carry is refused here,
// before anything connects, with the flag named.
#include "runnel/client_cli/options.hpp"

#include <cstdio>
#include <random>

namespace runnel::client_cli {

namespace {

void require(bool ok, const std::string& message) {
    if (!ok) throw usage_error(message);
}

endpoint check_connection(const connection_options& c) {
    auto e = resolve_endpoint(c.via, c.url);
    const bool mqtt = e.via == via::mqtt;
    require(c.mqtt_version == 3 || c.mqtt_version == 5, "-V/--mqtt-version: 3 (3.1.1) or 5");
    require(!c.username || mqtt, "-u/--username is an MQTT credential; use --token with --via " + std::string(to_string(e.via)));
    require(!c.password || mqtt, "-P/--password is an MQTT credential; use --token with --via " + std::string(to_string(e.via)));
    require(!(c.password && c.token), "give -P/--password or --token, not both (the token is sent as the MQTT password)");
    require(c.cert.empty() == c.key.empty(), "--cert and --key go together");
    const bool tls_flag = !c.cafile.empty() || !c.cert.empty() || c.insecure;
    require(!tls_flag || e.tls, "--cafile, --cert and --insecure need a TLS URL (mqtts://, wss://, https://)");
    require(c.timeout.count() > 0, "--timeout must be more than 0");
    return e;
}

} // namespace

std::pair<std::string, std::string> parse_header(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) throw usage_error("-H/--header wants NAME=VALUE, got '" + text + "'");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

endpoint validate(const pub_options& o) {
    auto e = check_connection(o.conn);
    require(e.via != via::sse, "--via sse only receives; publish with --via http");
    require(!o.channel.empty(), "CHANNEL must not be empty");
    int sources = int(o.message.has_value()) + int(!o.file.empty()) + int(o.lines);
    require(sources <= 1, "give one of MESSAGE, -f/--file and -l/--lines");
    require(o.count >= 1, "-n/--count must be at least 1");
    require(o.qos >= 0 && o.qos <= 2, "-q/--qos: 0, 1 or 2");
    bool header_ct = false;
    for (const auto& [name, value] : o.headers) header_ct = header_ct || name == "content-type";
    require(!(header_ct && o.content_type), "give the content type once: --content-type or -H content-type=...");
    if (e.via == via::http) {
        require(o.headers.empty(), "-H/--header is not available with --via http (REST publish takes the body, "
                                   "Content-Type and X-Client-Id); use --via ws or mqtt");
        require(!o.retain, "-r/--retain is not available with --via http; use --via ws or mqtt");
        require(o.qos == 0, "-q/--qos is not available with --via http (the reply already confirms the publish)");
    }
    if (e.via == via::mqtt && o.conn.mqtt_version == 3) {
        require(o.headers.empty() && !o.content_type, "-H and --content-type need MQTT 5 (-V 5)");
    }
    return e;
}

endpoint validate(const sub_options& o) {
    auto e = check_connection(o.conn);
    const bool mqtt = e.via == via::mqtt;
    const std::string via_name = to_string(e.via);
    require(!o.filters.empty(), "give at least one FILTER");
    for (const auto& f : o.filters) require(!f.empty(), "a FILTER must not be empty");
    require(o.qos >= 0 && o.qos <= 2, "-q/--qos: 0, 1 or 2");
    require(o.qos == 0 || mqtt, "-q/--qos is MQTT only (--via " + via_name + " has no QoS)");
    require(!o.since || e.via == via::http || e.via == via::sse || e.via == via::ws,
            "--since needs --via ws, http or sse (MQTT resumes with a persistent session: -c and a session expiry)");
    require(!o.duration || o.duration->count() > 0, "-W/--timeout must be more than 0");
    require(o.clean || mqtt, "-c/--clean false is MQTT only");
    require(!o.session_expiry || mqtt, "--session-expiry is MQTT only");
    require(!o.session_expiry || o.conn.mqtt_version == 5, "--session-expiry needs MQTT 5 (-V 5)");
    require(o.clean || !o.conn.client_id.empty(), "-c false needs -i/--client-id: the session is found again by its client id");
    return e;
}

endpoint validate(const history_options& o) {
    auto c = o.conn;
    if (!c.via && c.url.empty()) c.via = via::http;
    auto e = check_connection(c);
    require(e.via == via::http || e.via == via::ws, "history is read over --via http (REST) or ws (the JSON protocol)");
    require(!o.channel.empty(), "CHANNEL must not be empty");
    require(o.limit >= 1 && o.limit <= 1000, "--limit: 1..1000");
    return e;
}

history_bound parse_history_bound(const std::string& flag, const std::string& text) {
    auto bad = [&] { return usage_error(flag + " wants offset:N, offset:N@EPOCH or tt:T, got '" + text + "'"); };
    history_bound b;
    std::string_view rest = text;
    if (rest.starts_with("tt:")) {
        b.is_tt = true;
        rest.remove_prefix(3);
    } else if (rest.starts_with("offset:")) {
        rest.remove_prefix(7);
        if (auto at = rest.find('@'); at != std::string_view::npos) {
            b.epoch = std::string(rest.substr(at + 1));
            rest = rest.substr(0, at);
            if (b.epoch.empty()) throw bad();
        }
    } else {
        throw bad();
    }
    if (rest.empty() || rest.size() > 20 || rest.find_first_not_of("0123456789") != std::string_view::npos) throw bad();
    try {
        b.value = std::stoull(std::string(rest));
    } catch (const std::exception&) {
        throw bad();
    }
    return b;
}

std::string generated_client_id(std::string_view role) {
    std::random_device rd;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    return "runnel-" + std::string(role) + "-" + hex;
}

} // namespace runnel::client_cli
