#include "token_keys.hpp"

#include "runnel/auth/base64.hpp"
#include "runnel/client_cli/errors.hpp"
#include "runnel/core/topic.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <sodium.h>

namespace runnel::client_cli {
namespace json = boost::json;

std::string key_file_json(const auth::key& k) {
    json::object o{{"kid", k.kid}, {"alg", auth::to_string(k.alg)}};
    if (k.alg == auth::key_alg::eddsa) {
        o["public_key"] = auth::to_base64(k.public_key);
        o["private_key"] = auth::to_base64(k.private_key);
    } else {
        o["secret"] = auth::to_base64(k.secret);
    }
    return json::serialize(o) + "\n";
}

auth::key parse_key_file(std::string_view text, const std::string& path) {
    json::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) throw usage_error(path + ": not a runnel key file (JSON object)");
    const auto& o = v.as_object();
    auto field = [&](const char* name) -> std::string {
        const auto* f = o.if_contains(name);
        if (!f || !f->is_string()) throw usage_error(path + ": \"" + name + "\" is missing");
        return std::string(f->as_string());
    };
    auto bytes = [&](const char* name, std::size_t min, std::size_t max) {
        auto raw = auth::from_base64(field(name));
        if (!raw || raw->size() < min || raw->size() > max) throw usage_error(path + ": \"" + name + "\" has the wrong size or is not base64");
        return *raw;
    };
    auth::key k;
    k.kid = field("kid");
    auto alg = field("alg");
    if (alg == "EdDSA") {
        k.alg = auth::key_alg::eddsa;
        k.private_key = bytes("private_key", crypto_sign_SECRETKEYBYTES, crypto_sign_SECRETKEYBYTES);
        k.public_key = k.private_key.substr(32); // libsodium's secret key is seed || public key
    } else if (alg == "HS256") {
        k.alg = auth::key_alg::hs256;
        k.secret = bytes("secret", 32, 1024);
    } else {
        throw usage_error(path + ": alg must be EdDSA or HS256");
    }
    return k;
}

std::string config_entry(const auth::key& k) {
    std::string out = "{kid: " + k.kid + ", alg: " + std::string(auth::to_string(k.alg)) + ", ";
    if (k.alg == auth::key_alg::eddsa) out += "public_key: " + auth::to_base64(k.public_key) + "}";
    else out += "secret: " + auth::to_base64(k.secret) + "}";
    return out;
}

auth::grant_set parse_grant_flags(const std::vector<std::string>& flags) {
    std::vector<auth::grant> out;
    for (const auto& f : flags) {
        auto eq = f.rfind('=');
        if (eq == std::string::npos || eq == 0) throw usage_error("--grant " + f + ": expected PATTERN=ACTION[,ACTION...]");
        std::string pattern = f.substr(0, eq);
        if (core::validate_filter(pattern) != errc::ok || core::parse_shared(pattern))
            throw usage_error("--grant " + f + ": \"" + pattern + "\" is not a valid channel pattern");
        std::string bad;
        auto acts = auth::parse_actions(std::string_view(f).substr(eq + 1), &bad);
        if (!acts) throw usage_error("--grant " + f + ": unknown action \"" + bad + "\" (subscribe, publish, history, presence, admin)");
        out.push_back({std::move(pattern), *acts});
    }
    return auth::grant_set(std::move(out));
}

} // namespace runnel::client_cli
