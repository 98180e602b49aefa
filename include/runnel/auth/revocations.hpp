#pragma once
/// Revoked tokens: by `jti`, by subject (every token issued at or before a time) or by key id. Each
/// entry expires once no token it covers can still be valid (tokens live at most
/// auth.max_token_ttl), so the list does not grow forever. Entries encode to the store's `kv`
/// table under the "rev/" prefix and load back at start.
/// Affinity: thread-safe (a shared mutex); gateways check on every connect and the node sweeps
/// live sessions after each add.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runnel::auth {

struct identity;

struct revocation {
    enum class kind : std::uint8_t { jti = 1, subject = 2, kid = 3 };
    kind what = kind::jti;
    std::string value;
    std::int64_t before = 0;  // subject: tokens issued (iat) at or before this Unix second
    std::int64_t expires = 0; // Unix second after which it covers nothing; 0 = never (kid)
    friend bool operator==(const revocation&, const revocation&) = default;
};

std::string_view to_string(revocation::kind k) noexcept; // "jti" | "sub" | "kid"

/// The store key ("rev/" kind "/" value) and value (versioned binary) of one entry.
std::string revocation_key(const revocation& r);
std::string encode_revocation(const revocation& r);
std::optional<revocation> decode_revocation(std::string_view key, std::string_view value);
constexpr std::string_view revocation_prefix = "rev/";

class revocation_list {
public:
    /// Adds or widens an entry (a later `before` for a subject, a later expiry) and returns
    /// the entry as now stored; nullopt when nothing changed, e.g. the same jti twice.
    std::optional<revocation> add(const revocation& r);
    /// Whether `who` holds a token an entry covers (only token identities can be revoked).
    bool covers(const identity& who) const;
    /// Drops entries past their expiry at `now`; returns them (for deletion from the store).
    std::vector<revocation> expire(std::int64_t now);
    std::vector<revocation> all() const;
    std::size_t size() const;

private:
    mutable std::shared_mutex mu_;
    std::unordered_map<std::string, revocation> jti_, sub_, kid_;
};

} // namespace runnel::auth
