#include "decode_auth.hpp"

#include "runnel/auth/base64.hpp"
#include "runnel/config/load.hpp"
#include "runnel/core/topic.hpp"

#include <sodium.h>

namespace runnel::config::detail {
namespace {

auth::action_set decode_actions(const YAML::Node& n, const std::string& path) {
    std::string csv;
    if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) csv += (i ? "," : "") + read_string(n[i], join(path, std::to_string(i)));
    } else {
        csv = read_string(n, path);
    }
    std::string bad;
    auto set = auth::parse_actions(csv, &bad);
    if (!set) {
        throw config_error(path, "unknown action \"" + bad + "\" (expected subscribe, publish, history, presence or admin)");
    }
    return *set;
}

user decode_user(map_reader r) {
    user u;
    r.string("username", u.username);
    r.string("password", u.password);
    r.string("password_hash", u.password_hash);
    if (YAML::Node g = r.child("grants"); present(g)) u.grants = decode_grants(g, join(r.path(), "grants"));
    r.finish();
    return u;
}

std::string decode_key_bytes(map_reader& r, std::string_view name, std::size_t min, std::size_t max) {
    std::string text;
    r.string(name, text);
    const std::string path = join(r.path(), name);
    if (text.empty()) throw config_error(path, "required");
    auto raw = auth::from_base64(text);
    if (!raw) throw config_error(path, "expected standard base64");
    if (raw->size() < min || raw->size() > max) {
        throw config_error(path, min == max ? "expected " + std::to_string(min) + " bytes, got " + std::to_string(raw->size())
                                            : "expected at least " + std::to_string(min) + " bytes, got " + std::to_string(raw->size()));
    }
    return *raw;
}

auth::key decode_key(map_reader r) {
    auth::key k;
    r.string("kid", k.kid);
    if (k.kid.empty()) throw config_error(join(r.path(), "kid"), "required");
    std::string alg = "EdDSA";
    r.string("alg", alg);
    if (alg == "EdDSA") {
        k.alg = auth::key_alg::eddsa;
        if (r.has("secret")) throw config_error(join(r.path(), "secret"), "an EdDSA key takes public_key, not secret");
        k.public_key = decode_key_bytes(r, "public_key", crypto_sign_PUBLICKEYBYTES, crypto_sign_PUBLICKEYBYTES);
    } else if (alg == "HS256") {
        k.alg = auth::key_alg::hs256;
        if (r.has("public_key")) throw config_error(join(r.path(), "public_key"), "an HS256 key takes secret, not public_key");
        k.secret = decode_key_bytes(r, "secret", 32, 1024);
    } else {
        throw config_error(join(r.path(), "alg"), "expected EdDSA or HS256, got \"" + alg + "\"");
    }
    r.finish();
    return k;
}

} // namespace

auth::grant_set decode_grants(const YAML::Node& n, const std::string& path) {
    if (!n.IsMap()) throw config_error(path, "expected a map of channel pattern: [actions]");
    std::vector<auth::grant> out;
    for (const auto& item : n) {
        const std::string pattern = read_string(item.first, path);
        const std::string at = join(path, pattern);
        if (core::validate_filter(pattern) != errc::ok || core::parse_shared(pattern)) {
            throw config_error(at, "\"" + pattern + "\" is not a valid channel pattern (MQTT filter syntax)");
        }
        out.push_back({pattern, decode_actions(item.second, at)});
    }
    return auth::grant_set(std::move(out));
}

auth_options decode_auth(map_reader r) {
    auth_options a;
    map_reader anon(r.child("anonymous"), join(r.path(), "anonymous"));
    anon.boolean("enabled", a.anonymous);
    anon.boolean("loopback_only", a.anonymous_loopback_only);
    if (YAML::Node g = anon.child("grants"); present(g)) a.anonymous_grants = decode_grants(g, join(anon.path(), "grants"));
    anon.finish();
    a.users = decode_map_list(r.child("users"), join(r.path(), "users"), decode_user);
    a.keys = decode_map_list(r.child("keys"), join(r.path(), "keys"), decode_key);
    r.duration("clock_skew", a.clock_skew);
    r.duration("max_token_ttl", a.max_token_ttl);
    r.boolean("require_exp", a.require_exp);
    map_reader cert(r.child("certificate"), join(r.path(), "certificate"));
    if (YAML::Node g = cert.child("grants"); present(g)) a.certificate_grants = decode_grants(g, join(cert.path(), "grants"));
    cert.finish();
    r.finish();
    return a;
}

} // namespace runnel::config::detail
