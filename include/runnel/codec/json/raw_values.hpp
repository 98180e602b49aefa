#pragma once
/// The texts of the values inside a JSON object or array, exactly as they appear in the input:
/// what lets a reader keep `"data"` byte for byte (docs/protocol.md, "Payloads") while a JSON
/// library reads the rest. The request decoder uses it on frames, clients on server replies.
/// Precondition: `text` was already accepted by a JSON parser (Boost.JSON). The scanners only
/// track strings and brackets; on anything else they return nullopt or some split of it, but
/// never read outside `text`.
/// Affinity: pure functions; safe on any thread.
#include <optional>
#include <string_view>
#include <vector>

namespace runnel::codec::json {

/// The value text of each member of the object `text`, in order (duplicates included).
std::optional<std::vector<std::string_view>> member_values(std::string_view text);

/// The text of each element of the array `text`, in order.
std::optional<std::vector<std::string_view>> element_values(std::string_view text);

} // namespace runnel::codec::json
