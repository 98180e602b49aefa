// `runnel pub` / `runnel sub`: flags (mosquitto_pub/sub spellings where they exist) and their
// conversion into options.
#include "runnel/client_cli/commands.hpp"

#include "runnel/config/load.hpp"
#include "transports.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace runnel::client_cli {

namespace {

void add_connection_flags(CLI::App& c, connection_options& o, common_args& a) {
    c.add_option("--via", a.via, "mqtt, ws (JSON protocol over WebSocket), http (REST/long-poll) or sse; "
                                 "default: from the --url scheme, else mqtt")
        ->check(CLI::IsMember({"mqtt", "ws", "http", "sse"}));
    c.add_option("--url", o.url, "server URL: mqtt[s]://, ws[s]://, http[s]:// (defaults: mqtt://127.0.0.1:1883, "
                                 "ws://127.0.0.1:8080/ws, http://127.0.0.1:8080)");
    c.add_option("-i,--client-id", o.client_id, "client id (MQTT default: runnel-pub-/runnel-sub- and 8 hex digits)");
    c.add_option_function<std::string>("-u,--username", [&o](const std::string& v) { o.username = v; }, "MQTT user name");
    c.add_option_function<std::string>("-P,--password", [&o](const std::string& v) { o.password = v; }, "MQTT password");
    c.add_option_function<std::string>("--token", [&o](const std::string& v) { o.token = v; },
                                       "access token: MQTT password, Authorization: Bearer (http/sse), connect token (ws)");
    c.add_option("--cafile", o.cafile, "CA certificate (PEM) to verify the server (default: the system store)");
    c.add_option("--cert", o.cert, "client certificate (PEM), with --key");
    c.add_option("--key", o.key, "client private key (PEM)");
    c.add_flag("--insecure", o.insecure, "do not verify the server's certificate");
    c.add_option("-V,--mqtt-version", a.mqtt_version, "MQTT version: 5 (default) or 3 (3.1.1)");
    c.add_option("-k,--keepalive", o.keep_alive, "MQTT keep alive in seconds (0 = off)")->capture_default_str();
}

void add_cipher_flags(CLI::App& c, common_args& a, const char* what) {
    c.add_option("--cipher-key", a.cipher_key,
                 std::string("end-to-end encryption: ") + what + " with this AES-256 key (standard base64 of "
                 "32 bytes; docs/e2e-encryption.md)");
    c.add_option("--cipher-key-file", a.cipher_key_file,
                 "the same, the key read from this file (keeps it out of shell history and ps)");
}

/// The key of --cipher-key or --cipher-key-file; throws usage_error naming the flag.
std::optional<cipher_key> cipher_from(const common_args& a) {
    if (!a.cipher_key.empty() && !a.cipher_key_file.empty())
        throw usage_error("give --cipher-key or --cipher-key-file, not both");
    if (!a.cipher_key.empty()) return parse_cipher_key(a.cipher_key);
    if (!a.cipher_key_file.empty()) return read_cipher_key_file(a.cipher_key_file);
    return std::nullopt;
}

std::chrono::milliseconds duration_flag(const std::string& flag, const std::string& text) {
    auto d = config::parse_duration(text);
    if (!d) throw usage_error(flag + ": '" + text + "' is not a duration (e.g. 10s, 500ms, 2m)");
    return *d;
}

void apply_common(const common_args& a, connection_options& o) {
    if (!a.via.empty()) o.via = parse_via(a.via);
    const auto& v = a.mqtt_version;
    if (v == "5" || v == "mqttv5") o.mqtt_version = 5;
    else if (v == "3" || v == "4" || v == "311" || v == "3.1.1" || v == "mqttv311") o.mqtt_version = 3;
    else throw usage_error("-V/--mqtt-version: 5 or 3 (3.1.1), got '" + v + "'");
}

} // namespace

void add_pub_command(CLI::App& app, pub_args& a) {
    auto* c = app.add_subcommand("pub", "Publish a message (MQTT, WebSocket or HTTP)");
    auto& o = a.o;
    c->add_option("channel", o.channel, "channel to publish to (no wildcards)")->required();
    c->add_option_function<std::string>("message", [&o](const std::string& v) { o.message = v; },
                                        "the message; without it (and -f/-l) all of stdin is one message");
    c->add_option("-f,--file", o.file, "send this file's bytes as the message");
    c->add_flag("-l,--lines", o.lines, "send each line of stdin as one message (empty lines are skipped)");
    c->add_option("-n,--count", o.count, "publish each message this many times")->capture_default_str();
    c->add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (MQTT, ws)")->check(CLI::Range(0, 2))->capture_default_str();
    c->add_flag("-r,--retain", o.retain, "retain the message (MQTT, ws)");
    c->add_option_function<std::string>("--content-type", [&o](const std::string& v) { o.content_type = v; },
                                        "content type (MQTT 5 property, ws header, HTTP Content-Type; "
                                        "http default application/octet-stream)");
    c->add_option("-H,--header", a.headers, "NAME=VALUE header (MQTT 5 user property, ws header); repeatable")
        ->allow_extra_args(false);
    c->add_option("--timeout", a.c.timeout, "how long to wait to connect and for each acknowledgement")->capture_default_str();
    c->add_flag("-v,--verbose", o.verbose, "print the server's reply (or acknowledgement) to each publish");
    add_cipher_flags(*c, a.c, "encrypt each message");
    add_connection_flags(*c, o.conn, a.c);
}

void add_sub_command(CLI::App& app, sub_args& a) {
    auto* c = app.add_subcommand("sub", "Subscribe and print messages, one per line (MQTT, WebSocket, HTTP long-poll, SSE)");
    auto& o = a.o;
    c->add_option("filter", o.filters, "channel filters (+ one level, # the rest)")->required();
    c->add_option("-q,--qos", o.qos, "MQTT subscription QoS 0, 1 or 2")->check(CLI::Range(0, 2))->capture_default_str();
    c->add_option("-n,--count", o.count, "exit after this many messages (0 = never)")->capture_default_str();
    c->add_option("-W,--timeout", a.duration, "exit (with status 0) after this long, e.g. 30s");
    c->add_option("-F,--format", a.format, "json (one object per line) or raw (payload and a newline)")
        ->check(CLI::IsMember({"json", "raw"}))
        ->capture_default_str();
    c->add_option_function<std::string>("--since", [&o](const std::string& v) { o.since = v; },
                                        "start cursor (a tt from an earlier message or reply; ws, http and sse)");
    c->add_option("-c,--clean", a.clean, "MQTT clean start: true, or false to keep the session (needs -i)")
        ->check(CLI::IsMember({"true", "false"}))
        ->capture_default_str();
    c->add_option("--session-expiry", a.session_expiry, "MQTT 5 session expiry, e.g. 1h, or never");
    c->add_option("--connect-timeout", a.c.timeout, "how long to wait to connect and subscribe")->capture_default_str();
    c->add_flag("-v,--verbose", o.verbose, "note on stderr when subscribed");
    add_cipher_flags(*c, a.c, "decrypt each message (one that does not decrypt is noted on stderr and skipped)");
    add_connection_flags(*c, o.conn, a.c);
}

void add_history_command(CLI::App& app, history_args& a) {
    auto* c = app.add_subcommand("history", "Print a channel's stored messages, one per line (REST or WebSocket)");
    auto& o = a.o;
    c->add_option("channel", o.channel, "the channel (no wildcards)")->required();
    c->add_option("--limit", o.limit, "messages per page, 1..1000")->check(CLI::Range(1, 1000))->capture_default_str();
    c->add_option("--since", a.since, "start after this position: offset:N, offset:N@EPOCH or tt:T");
    c->add_option("--until", a.until, "end at this position (included): offset:N, offset:N@EPOCH or tt:T");
    c->add_option("--order", a.order, "newest (first; the default) or oldest")
        ->check(CLI::IsMember({"newest", "oldest"}))
        ->capture_default_str();
    c->add_flag("--all", o.all, "follow the pages to the end of the range (default: one page)");
    c->add_option("-F,--format", a.format, "json (one object per line) or raw (payload and a newline)")
        ->check(CLI::IsMember({"json", "raw"}))
        ->capture_default_str();
    c->add_option("--timeout", a.c.timeout, "how long to wait to connect and for each page")->capture_default_str();
    c->add_option("--via", a.c.via, "http (REST, the default) or ws (the JSON protocol)")
        ->check(CLI::IsMember({"http", "ws"}));
    c->add_option("--url", o.conn.url, "server URL: http[s]:// or ws[s]:// (default http://127.0.0.1:8080)");
    c->add_option("-i,--client-id", o.conn.client_id, "ws: the client id of the connect");
    c->add_option_function<std::string>("--token", [&o](const std::string& v) { o.conn.token = v; },
                                        "access token: Authorization: Bearer (http), connect token (ws)");
    c->add_option("--cafile", o.conn.cafile, "CA certificate (PEM) to verify the server (default: the system store)");
    c->add_option("--cert", o.conn.cert, "client certificate (PEM), with --key");
    c->add_option("--key", o.conn.key, "client private key (PEM)");
    c->add_flag("--insecure", o.conn.insecure, "do not verify the server's certificate");
    add_cipher_flags(*c, a.c, "decrypt each message (one that does not decrypt is noted on stderr and skipped)");
}

void finish_args(history_args& a) {
    apply_common(a.c, a.o.conn);
    a.o.conn.timeout = duration_flag("--timeout", a.c.timeout);
    if (!a.since.empty()) a.o.since = parse_history_bound("--since", a.since);
    if (!a.until.empty()) a.o.until = parse_history_bound("--until", a.until);
    a.o.newest_first = a.order != "oldest";
    a.o.format = a.format == "raw" ? output_format::raw : output_format::json;
    a.o.cipher = cipher_from(a.c);
}

void finish_args(pub_args& a) {
    apply_common(a.c, a.o.conn);
    a.o.conn.timeout = duration_flag("--timeout", a.c.timeout);
    for (const auto& h : a.headers) a.o.headers.push_back(parse_header(h));
    a.o.cipher = cipher_from(a.c);
}

void finish_args(sub_args& a) {
    apply_common(a.c, a.o.conn);
    a.o.conn.timeout = duration_flag("--connect-timeout", a.c.timeout);
    if (!a.duration.empty()) a.o.duration = duration_flag("-W/--timeout", a.duration);
    a.o.format = a.format == "raw" ? output_format::raw : output_format::json;
    a.o.clean = a.clean != "false";
    if (a.session_expiry == "never") {
        a.o.session_expiry = 0xFFFFFFFFu;
    } else if (!a.session_expiry.empty()) {
        auto s = std::chrono::duration_cast<std::chrono::seconds>(duration_flag("--session-expiry", a.session_expiry));
        if (s.count() >= 0xFFFFFFFFLL) throw usage_error("--session-expiry: at most 4294967294s, or never");
        a.o.session_expiry = static_cast<std::uint32_t>(s.count());
    }
    a.o.cipher = cipher_from(a.c);
}

int run_command(const char* name, const std::function<endpoint()>& check,
                const std::function<void(const endpoint&)>& run) {
    endpoint e;
    try {
        e = check();
    } catch (const usage_error& err) {
        std::fprintf(stderr, "runnel %s: %s\n", name, err.what());
        return 2;
    }
    try {
        run(e);
    } catch (const failure& err) {
        std::fprintf(stderr, "runnel %s: %s\n", name, err.what());
        return 1;
    }
    return 0;
}

} // namespace runnel::client_cli
