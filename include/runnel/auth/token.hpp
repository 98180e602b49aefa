#pragma once
/// JWT (RFC 7519) tokens signed with Ed25519 (`alg: EdDSA`, RFC 8037) or HS256: the keys a node
/// trusts, verification with clock skew, and signing (for `runnel token` and tests).
/// Affinity: none; a keyring is immutable after construction and safe to share.
#include "runnel/auth/grants.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::auth {

enum class key_alg { eddsa, hs256 };
std::string_view to_string(key_alg a) noexcept; // "EdDSA" | "HS256"

struct key {
    std::string kid;
    key_alg alg = key_alg::eddsa;
    std::string public_key;  // EdDSA: 32 raw bytes
    std::string private_key; // EdDSA: 64 raw bytes (libsodium secret key); signing only
    std::string secret;      // HS256: raw bytes, at least 32
};

/// A new Ed25519 key pair (`runnel token keygen`).
key generate_eddsa_key(std::string kid);

class keyring {
public:
    keyring() = default;
    explicit keyring(std::vector<key> keys) : keys_(std::move(keys)) {}
    const key* find(std::string_view kid) const noexcept;
    /// The only key of `alg`, for tokens without a kid; null when there are none or several.
    const key* only(key_alg alg) const noexcept;
    bool empty() const noexcept { return keys_.empty(); }

private:
    std::vector<key> keys_;
};

struct claims {
    std::string sub;
    std::string jti;
    std::string kid;
    std::optional<std::int64_t> exp; // Unix seconds
    std::optional<std::int64_t> nbf;
    std::optional<std::int64_t> iat;
    grant_set grants;
};

struct verify_options {
    std::int64_t clock_skew = 30;  // seconds allowed either side of exp / nbf / iat
    std::int64_t max_ttl = 86400;  // exp at most this far after iat (or now); 0 = no bound
    bool require_exp = true;
};

/// Why a token was refused, in words fit for a client ("token expired", "unknown kid 'x'").
struct token_error {
    std::string reason;
};

/// A cheap shape test: three base64url parts, the first a JSON object ("eyJ..."). Lets the
/// MQTT password carry either a password or a token.
bool looks_like_jwt(std::string_view s) noexcept;

/// Parses and checks signature and time claims. `now` is Unix seconds.
std::optional<claims> verify(std::string_view token, const keyring& keys, std::int64_t now,
                             const verify_options& o, token_error& why);

/// Signs `c` with `k` (EdDSA needs private_key). `kid` goes in the header; grants as a JSON
/// object of pattern -> [actions].
std::string sign(const claims& c, const key& k);
/// Signs arbitrary header and payload JSON text (tests and fuzzing reach the claim parser with it).
std::string sign_raw(std::string_view header_json, std::string_view payload_json, const key& k);

} // namespace runnel::auth
