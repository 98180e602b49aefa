#pragma once
/// Boost.JSON parsing of server frames for the client's .cpp files (kept out of public headers).
/// Messages nest up to 64 levels inside the push or the long-poll reply around them, hence the
/// depth limit.
/// Affinity: pure function; safe on any thread.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace runnel::client_cli {

/// The JSON value of `text`; nullopt when it is not JSON.
inline std::optional<boost::json::value> parse_json(std::string_view text) {
    boost::json::parse_options opts;
    opts.max_depth = 256;
    boost::system::error_code ec;
    auto v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, {}, opts);
    if (ec) return std::nullopt;
    return v;
}

} // namespace runnel::client_cli
