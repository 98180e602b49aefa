#pragma once
/// What `runnel pub` and `runnel sub` were asked to do: plain aggregates filled by the command
/// line (commands.cpp), checked by validate() before anything connects. docs/cli.md is the
/// flag reference.
#include "runnel/client_cli/cipher.hpp"
#include "runnel/client_cli/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace runnel::client_cli {

enum class output_format { json, raw };

/// How to reach the server and who to be there; shared by pub and sub.
struct connection_options {
    std::optional<client_cli::via> via; // nullopt: implied by the URL's scheme, else mqtt
    std::string url;                     // empty: default_url(via)
    std::string cafile;                  // TLS: CA the server must chain to (default: system store)
    std::string cert;                    // TLS client certificate and key (optional)
    std::string key;
    bool insecure = false;               // TLS: accept any server certificate
    std::string client_id;               // empty: generated (MQTT), server-assigned (ws)
    std::optional<std::string> username; // MQTT user name
    std::optional<std::string> password; // MQTT password
    std::optional<std::string> token;    // MQTT password / Bearer / JSON connect token
    int mqtt_version = 5;                // 3 (3.1.1) or 5
    std::uint16_t keep_alive = 60;       // MQTT keep alive, seconds (0 = off)
    std::chrono::milliseconds timeout{10'000}; // connect, handshake and each acknowledgement
};

struct pub_options {
    connection_options conn;
    std::string channel;
    std::optional<std::string> message;  // the MESSAGE argument
    std::string file;                    // -f: the file's bytes are the message
    bool lines = false;                  // -l: each stdin line is one message
    std::uint64_t count = 1;             // -n: each message is published this many times
    int qos = 0;
    bool retain = false;
    std::optional<std::string> content_type;
    std::vector<std::pair<std::string, std::string>> headers; // -H NAME=VALUE, in order
    bool verbose = false;
    std::optional<cipher_key> cipher;    // --cipher-key(-file): each payload is sealed with it
};

struct sub_options {
    connection_options conn;
    std::vector<std::string> filters;
    int qos = 0;
    std::uint64_t count = 0;                           // 0 = no limit
    std::optional<std::chrono::milliseconds> duration; // -W: exit 0 after this long
    output_format format = output_format::json;
    std::optional<std::string> since;                  // http/sse start cursor
    bool clean = true;                                 // MQTT clean start
    std::optional<std::uint32_t> session_expiry;       // MQTT v5, seconds
    bool verbose = false;
    std::optional<cipher_key> cipher;                  // --cipher-key(-file): payloads are opened
};

/// A history bound as typed: `offset:N` (with `@EPOCH` optionally: `offset:41@9f3c01ab77e2d410`)
/// or `tt:T`.
struct history_bound {
    bool is_tt = false;
    std::uint64_t value = 0;
    std::string epoch; // offsets only; empty = not given
    bool operator==(const history_bound&) const = default;
};

struct history_options {
    connection_options conn;
    std::string channel;
    std::uint32_t limit = 100;                 // per page, 1..1000
    std::optional<history_bound> since;        // exclusive
    std::optional<history_bound> until;        // inclusive
    bool newest_first = true;                  // --order newest|oldest
    bool all = false;                          // follow `next` to the end
    output_format format = output_format::json;
    bool verbose = false;
    std::optional<cipher_key> cipher;          // --cipher-key(-file): payloads are opened
};

/// Throws usage_error naming the flag when options contradict each other or the transport
/// cannot carry them (e.g. -H with --via http, --since with --via mqtt). Returns the endpoint.
endpoint validate(const pub_options& o);
endpoint validate(const sub_options& o);
/// --via http (the default) or ws.
endpoint validate(const history_options& o);

/// `offset:N[@EPOCH]` or `tt:T`; throws usage_error naming `flag`.
history_bound parse_history_bound(const std::string& flag, const std::string& text);

/// "NAME=VALUE" -> {NAME, VALUE}; throws usage_error without '=' or with an empty name.
std::pair<std::string, std::string> parse_header(const std::string& text);

/// "runnel-<role>-<8 hex digits>": unique enough that two runs do not take over each other.
std::string generated_client_id(std::string_view role);

} // namespace runnel::client_cli
