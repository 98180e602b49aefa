#pragma once
// JWT payload <-> claims. Private to the auth module (jwt.cpp and its tests).
#include "runnel/auth/token.hpp"

#include <boost/json/object.hpp>

namespace runnel::auth::detail {

/// Checks every claim's type; grants must be {pattern: [action, ...]} (or "a,b" strings) with
/// valid MQTT filters and known actions.
std::optional<claims> claims_from_json(const boost::json::object& o, token_error& why);
boost::json::object claims_to_json(const claims& c);

} // namespace runnel::auth::detail
