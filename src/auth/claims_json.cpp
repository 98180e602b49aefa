#include "claims_json.hpp"

#include "runnel/core/topic.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <cmath>

namespace runnel::auth::detail {
namespace json = boost::json;
namespace {

constexpr std::size_t max_grants = 256;

bool read_time(const json::object& o, const char* name, std::optional<std::int64_t>& out, token_error& why) {
    const auto* v = o.if_contains(name);
    if (!v) return true;
    if (v->is_int64()) out = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) out = static_cast<std::int64_t>(v->as_uint64());
    else if (v->is_double() && std::isfinite(v->as_double()) && std::fabs(v->as_double()) < 9e15)
        out = static_cast<std::int64_t>(std::floor(v->as_double()));
    else return why.reason = std::string("token claim ") + name + " must be a number of seconds", false;
    // Unix seconds from 1970 to the end of year 9999: the time checks add the clock skew and
    // subtract times, which must not overflow.
    constexpr std::int64_t last_second = 253402300799;
    if (*out < 0 || *out > last_second)
        return why.reason = std::string("token claim ") + name + " is out of range (1970 to 9999)", false;
    return true;
}

bool read_string(const json::object& o, const char* name, std::string& out, token_error& why) {
    const auto* v = o.if_contains(name);
    if (!v) return true;
    if (!v->is_string()) return why.reason = std::string("token claim ") + name + " must be a string", false;
    out = std::string(v->as_string());
    return true;
}

std::optional<action_set> read_actions(const json::value& v, std::string& bad) {
    if (v.is_string()) return parse_actions(v.as_string(), &bad);
    if (!v.is_array()) return std::nullopt;
    action_set out = 0;
    for (const auto& a : v.as_array()) {
        if (!a.is_string()) return std::nullopt;
        auto one = parse_action(a.as_string());
        if (!one) {
            bad = std::string(a.as_string());
            return std::nullopt;
        }
        out |= static_cast<action_set>(*one);
    }
    return out;
}

bool read_grants(const json::object& o, grant_set& out, token_error& why) {
    const auto* v = o.if_contains("grants");
    if (!v) return true;
    if (!v->is_object()) return why.reason = "token grants must be an object of pattern: [actions]", false;
    if (v->as_object().size() > max_grants) return why.reason = "token has more than 256 grants", false;
    std::vector<grant> list;
    for (const auto& [pattern, acts] : v->as_object()) {
        std::string_view p(pattern.data(), pattern.size());
        if (core::validate_filter(p) != errc::ok || core::parse_shared(p))
            return why.reason = "token grant pattern '" + std::string(p) + "' is not a valid filter", false;
        std::string bad;
        auto set = read_actions(acts, bad);
        if (!set) {
            why.reason = bad.empty() ? "token grant '" + std::string(p) + "' must list actions"
                                     : "token grant '" + std::string(p) + "' names unknown action '" + bad + "'";
            return false;
        }
        list.push_back({std::string(p), *set});
    }
    out = grant_set(std::move(list));
    return true;
}

} // namespace

std::optional<claims> claims_from_json(const json::object& o, token_error& why) {
    claims c;
    if (!read_string(o, "sub", c.sub, why) || !read_string(o, "jti", c.jti, why) || !read_string(o, "kid", c.kid, why) ||
        !read_time(o, "exp", c.exp, why) || !read_time(o, "nbf", c.nbf, why) || !read_time(o, "iat", c.iat, why) ||
        !read_grants(o, c.grants, why))
        return std::nullopt;
    if (c.sub.empty()) return why.reason = "token has no sub", std::nullopt;
    return c;
}

json::object claims_to_json(const claims& c) {
    json::object o;
    o["sub"] = c.sub;
    if (!c.jti.empty()) o["jti"] = c.jti;
    if (c.iat) o["iat"] = *c.iat;
    if (c.nbf) o["nbf"] = *c.nbf;
    if (c.exp) o["exp"] = *c.exp;
    json::object g;
    for (const auto& gr : c.grants.list()) {
        json::array acts;
        for (auto a : {action::subscribe, action::publish, action::history, action::presence, action::admin}) {
            if (has(gr.actions, a)) acts.emplace_back(to_string(a));
        }
        g[gr.pattern] = std::move(acts);
    }
    o["grants"] = std::move(g);
    return o;
}

} // namespace runnel::auth::detail
