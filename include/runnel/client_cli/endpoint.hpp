#pragma once
/// Where `runnel pub`/`runnel sub` connect: --via and --url resolved into one endpoint, and the
/// HTTP request targets of REST publish, long-poll and SSE (docs/protocol.md). Pure functions
/// over strings, unit-tested without sockets.
#include "runnel/client_cli/errors.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::client_cli {

/// The surface a command speaks: MQTT, the JSON protocol over WebSocket, REST publish and
/// long-poll (http), or SSE.
enum class via { mqtt, ws, http, sse };

const char* to_string(via v) noexcept;
std::optional<via> parse_via(std::string_view s) noexcept;
/// mqtt://127.0.0.1:1883, ws://127.0.0.1:8080/ws, http://127.0.0.1:8080 (http and sse).
std::string_view default_url(via v) noexcept;

struct endpoint {
    client_cli::via via = via::mqtt;
    bool tls = false;
    std::string host; // IPv6 without brackets; also the TLS SNI and verification name
    std::uint16_t port = 0;
    /// ws: the upgrade target, path and query (default "/ws"); http, sse: a path prefix
    /// without a trailing '/' (usually empty); mqtt: empty.
    std::string target;

    /// "host:port" ("[::1]:8080" for IPv6), for the Host header and messages.
    std::string authority() const;
};

/// Schemes: mqtt, mqtts (MQTT; ports 1883, 8883), ws, wss (WebSocket; 80, 443), http, https
/// (80, 443). `v` absent: the scheme decides (http means --via http). `v` given: the scheme
/// must fit it (--via ws also takes http/https URLs, --via sse takes http/https). An empty `url`
/// means default_url(v). Throws usage_error naming the problem.
endpoint resolve_endpoint(std::optional<via> v, std::string_view url);

/// Channels and cursors in targets are percent-encoded with core::percent_encode (all but the
/// RFC 3986 unreserved bytes, so `+` and `#` too).

/// POST target of a REST publish: `{prefix}/v1/channels/{channel percent-encoded}/messages`.
std::string publish_target(std::string_view prefix, std::string_view channel);

/// GET target of a long-poll: `{prefix}/v1/subscribe?channel=..&..[&cursor=C]&timeout=S`.
std::string poll_target(std::string_view prefix, const std::vector<std::string>& filters,
                        std::optional<std::string_view> cursor, unsigned timeout_seconds);

/// GET target of a history page: `{prefix}/v1/channels/{channel}/messages?limit=N` and then
/// either `&page=P`, or `&order=..` and the bounds (`since_offset`, `since_tt`, `until_offset`,
/// `until_tt`, `epoch`) given in `query` as name/value pairs.
std::string history_target(std::string_view prefix, std::string_view channel,
                           const std::vector<std::pair<std::string, std::string>>& query);

/// GET target of an SSE stream: `{prefix}/v1/stream?channel=..&..[&cursor=C]`.
std::string stream_target(std::string_view prefix, const std::vector<std::string>& filters,
                          std::optional<std::string_view> cursor);

} // namespace runnel::client_cli
