// JWT compact serialisation: header.payload.signature, each base64url. Only EdDSA (Ed25519)
// and HS256 are accepted; `alg` must match the key's, so an HS256 token can never be checked
// against an Ed25519 public key used as an HMAC secret (the classic confusion attack).
#include "runnel/auth/base64.hpp"
#include "claims_json.hpp"
#include "runnel/auth/token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <sodium.h>

#include <cctype>
#include <stdexcept>

namespace runnel::auth {
namespace json = boost::json;
namespace {

constexpr std::size_t max_token_bytes = 16 * 1024;

void init_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::optional<key_alg> parse_alg(std::string_view s) {
    if (s == "EdDSA") return key_alg::eddsa;
    if (s == "HS256") return key_alg::hs256;
    return std::nullopt;
}

std::string hmac_sha256(std::string_view secret, std::string_view data) {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(mac.data()));
    return mac;
}

bool signature_ok(const key& k, std::string_view input, std::string_view sig) {
    if (k.alg == key_alg::eddsa) {
        return sig.size() == crypto_sign_BYTES && k.public_key.size() == crypto_sign_PUBLICKEYBYTES &&
               crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                           reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                           reinterpret_cast<const unsigned char*>(k.public_key.data())) == 0;
    }
    auto mac = hmac_sha256(k.secret, input);
    return sig.size() == mac.size() && crypto_verify_32(reinterpret_cast<const unsigned char*>(sig.data()),
                                                        reinterpret_cast<const unsigned char*>(mac.data())) == 0;
}

std::optional<json::object> parse_part(std::string_view b64) {
    auto raw = from_base64url(b64);
    if (!raw) return std::nullopt;
    json::error_code ec;
    auto v = json::parse(*raw, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

const key* pick_key(const keyring& keys, key_alg alg, const std::string& kid, token_error& why) {
    if (kid.empty()) {
        if (const key* k = keys.only(alg)) return k;
        why.reason = "token has no kid and the server has no single " + std::string(to_string(alg)) + " key";
        return nullptr;
    }
    const key* k = keys.find(kid);
    if (!k) why.reason = "unknown kid '" + kid + "'";
    else if (k->alg != alg) why.reason = "kid '" + kid + "' is not an " + std::string(to_string(alg)) + " key";
    else return k;
    return nullptr;
}

bool times_ok(const claims& c, std::int64_t now, const verify_options& o, token_error& why) {
    if (!c.exp && o.require_exp) return why.reason = "token has no exp", false;
    if (c.exp && now > *c.exp + o.clock_skew) return why.reason = "token expired", false;
    if (c.nbf && now + o.clock_skew < *c.nbf) return why.reason = "token not valid yet (nbf)", false;
    if (c.iat && now + o.clock_skew < *c.iat) return why.reason = "token issued in the future (iat)", false;
    if (o.max_ttl > 0 && c.exp) {
        std::int64_t from = c.iat ? *c.iat : now;
        if (*c.exp - from > o.max_ttl + o.clock_skew) return why.reason = "token lifetime exceeds auth.max_token_ttl", false;
    }
    return true;
}

} // namespace

std::string_view to_string(key_alg a) noexcept { return a == key_alg::eddsa ? "EdDSA" : "HS256"; }

const key* keyring::find(std::string_view kid) const noexcept {
    for (const auto& k : keys_) {
        if (k.kid == kid) return &k;
    }
    return nullptr;
}

const key* keyring::only(key_alg alg) const noexcept {
    const key* found = nullptr;
    for (const auto& k : keys_) {
        if (k.alg != alg) continue;
        if (found) return nullptr;
        found = &k;
    }
    return found;
}

bool looks_like_jwt(std::string_view s) noexcept {
    if (s.size() < 10 || s.size() > max_token_bytes || s.substr(0, 3) != "eyJ") return false;
    std::size_t dots = 0;
    for (char ch : s) {
        if (ch == '.') ++dots;
        else if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) return false;
    }
    return dots == 2;
}

std::optional<claims> verify(std::string_view token, const keyring& keys, std::int64_t now, const verify_options& o,
                             token_error& why) {
    init_sodium();
    if (!looks_like_jwt(token)) return why.reason = "not a JWT (header.payload.signature, base64url)", std::nullopt;
    auto d1 = token.find('.');
    auto d2 = token.find('.', d1 + 1);
    auto header = parse_part(token.substr(0, d1));
    if (!header) return why.reason = "token header is not base64url JSON", std::nullopt;
    const auto* alg_v = header->if_contains("alg");
    std::optional<key_alg> alg;
    if (alg_v && alg_v->is_string()) alg = parse_alg(alg_v->as_string());
    if (!alg) return why.reason = "token alg must be EdDSA or HS256", std::nullopt;
    auto body = parse_part(token.substr(d1 + 1, d2 - d1 - 1));
    if (!body) return why.reason = "token payload is not base64url JSON", std::nullopt;
    auto c = detail::claims_from_json(*body, why);
    if (!c) return std::nullopt;
    if (const auto* kid = header->if_contains("kid")) {
        if (!kid->is_string()) return why.reason = "token kid must be a string", std::nullopt;
        c->kid = std::string(kid->as_string());
    }
    const key* k = pick_key(keys, *alg, c->kid, why);
    if (!k) return std::nullopt;
    auto sig = from_base64url(token.substr(d2 + 1));
    if (!sig || !signature_ok(*k, token.substr(0, d2), *sig)) return why.reason = "bad token signature", std::nullopt;
    if (c->kid.empty()) c->kid = k->kid;
    if (!times_ok(*c, now, o, why)) return std::nullopt;
    return c;
}

std::string sign_raw(std::string_view header_json, std::string_view payload_json, const key& k) {
    init_sodium();
    if (k.alg == key_alg::eddsa && k.private_key.size() != crypto_sign_SECRETKEYBYTES)
        throw std::invalid_argument("key '" + k.kid + "' has no Ed25519 private key");
    if (k.alg == key_alg::hs256 && k.secret.empty()) throw std::invalid_argument("key '" + k.kid + "' has no secret");
    std::string input = to_base64url(header_json) + '.' + to_base64url(payload_json);
    std::string sig;
    if (k.alg == key_alg::eddsa) {
        sig.resize(crypto_sign_BYTES);
        crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                             reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                             reinterpret_cast<const unsigned char*>(k.private_key.data()));
    } else {
        sig = hmac_sha256(k.secret, input);
    }
    return input + '.' + to_base64url(sig);
}

std::string sign(const claims& c, const key& k) {
    json::object header{{"alg", to_string(k.alg)}, {"typ", "JWT"}};
    if (!k.kid.empty()) header["kid"] = k.kid;
    return sign_raw(json::serialize(header), json::serialize(detail::claims_to_json(c)), k);
}

key generate_eddsa_key(std::string kid) {
    init_sodium();
    key k{std::move(kid), key_alg::eddsa, std::string(crypto_sign_PUBLICKEYBYTES, '\0'),
          std::string(crypto_sign_SECRETKEYBYTES, '\0'), {}};
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.public_key.data()),
                        reinterpret_cast<unsigned char*>(k.private_key.data()));
    return k;
}

} // namespace runnel::auth
