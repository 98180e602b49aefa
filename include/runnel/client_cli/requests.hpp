#pragma once
/// The members of the JSON-protocol requests `runnel pub`/`runnel sub` send (without the
/// `"id"`, which the connection adds). Pure functions, unit-tested without sockets.
/// Affinity: pure functions; safe on any thread.
#include "runnel/client_cli/options.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::client_cli {

/// `"op":"connect"` with `"client_id"` and `"token"` when given.
std::string connect_members(std::string_view client_id, const std::optional<std::string>& token);

/// `"op":"subscribe","channel":F`, plus `"since":{"tt":T}` to resume after a timetoken.
std::string subscribe_members(std::string_view filter, const std::optional<std::string>& since_tt = std::nullopt);

/// `"op":"publish"`: the payload goes as `"data"` when it is a JSON text with no whitespace
/// around it (the server keeps the value's text exactly, so the bytes arrive unchanged; it then
/// also marks the message `application/json` unless a content type is given), otherwise as
/// `"data_b64"`. `"headers"` carries --content-type and -H (a repeated name becomes an array);
/// `"qos"` and `"retain"` appear when set.
std::string publish_members(const pub_options& o, std::string_view payload);

/// `"op":"history","channel":C,"limit":N,"order":"newest"|"oldest"` with `"since"`/`"until"`
/// (`{"offset":N[,"epoch":E]}` or `{"tt":"T"}`), or with `"page":P` instead of the range.
std::string history_members(const history_options& o, const std::optional<std::string>& page);

/// The REST query of a history page (for history_target): `limit`, then `page`, or `order`
/// and the bounds.
std::vector<std::pair<std::string, std::string>> history_query(const history_options& o,
                                                               const std::optional<std::string>& page);

/// True when `payload` can travel as `"data"` byte for byte.
bool sends_as_data(std::string_view payload);

} // namespace runnel::client_cli
