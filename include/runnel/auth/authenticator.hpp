#pragma once
/// Who may connect and what they may do. Gateways hand the credentials a client presented (a
/// token, an MQTT user name and password, a verified TLS certificate subject) to an
/// authenticator and get an identity with its grants, or an error with a reason for the client.
/// Precedence: a token, then a user name, then a certificate, then anonymous.
/// Affinity: authenticate() is thread-safe; `expensive()` says whether a call must go to the
/// blocking pool (password hashing) instead of running on a worker.
#include "runnel/auth/grants.hpp"
#include "runnel/auth/token.hpp"
#include "runnel/core/error.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace runnel::auth {

class revocation_list;

struct credentials {
    std::optional<std::string> username;
    std::optional<std::string> password; // an MQTT password that looks like a JWT is a token
    std::string client_id;
    bool loopback = false; // the peer address is 127.0.0.0/8 or ::1
    std::optional<std::string> token;    // Authorization: Bearer, ?token=, JSON connect
    std::optional<std::string> certificate_subject; // verified client certificate (tls.identity)
};

enum class identity_source : std::uint8_t { anonymous, user, token, certificate };

struct identity {
    std::string subject;   // user name, token sub, certificate subject; empty for anonymous
    bool anonymous = false;
    identity_source source = identity_source::anonymous;
    grant_set grants;
    // Token identities only:
    std::string jti;
    std::string kid;
    std::int64_t issued_at = 0;             // iat, or exp - auth.max_token_ttl without one
    std::optional<std::int64_t> expires_at; // Unix seconds (exp + clock skew): the session ends then

    bool may(action a, std::string_view filter) const noexcept { return grants.allows(a, filter); }
};

class authenticator {
public:
    virtual ~authenticator() = default;
    /// errc::bad_credentials for a wrong user name, password or token (expired, bad signature,
    /// revoked...), errc::not_authorized when the client may not connect at all (e.g. anonymous
    /// off, or not on loopback). `why` gets a reason fit to show the client.
    virtual result<identity> authenticate(const credentials& c, std::string* why = nullptr) const = 0;
    virtual bool expensive(const credentials& c) const = 0;
};

struct static_user {
    std::string username;
    std::string password;      // plain text, compared in constant time
    std::string password_hash; // libsodium crypto_pwhash_str ("$argon2id$...")
    grant_set grants;          // may name {sub}
};

struct static_options {
    bool anonymous = true;
    bool anonymous_loopback_only = true;
    grant_set anonymous_grants{{{"#", all_channel_actions}, {"$SYS/#", static_cast<action_set>(action::subscribe)}}};
    std::vector<static_user> users;
    std::vector<key> keys;
    verify_options tokens;
    grant_set certificate_grants; // may name {sub}
};

/// Unix seconds now; injectable for tests.
using clock_fn = std::function<std::int64_t()>;
std::int64_t unix_now();

/// Anonymous access (optionally loopback only), a fixed user list, token keys and certificate
/// grants from the config, checked against the node's revocation list.
class static_authenticator final : public authenticator {
public:
    static_authenticator(static_options opts, const revocation_list* revoked = nullptr, clock_fn now = unix_now);
    result<identity> authenticate(const credentials& c, std::string* why = nullptr) const override;
    bool expensive(const credentials& c) const override;

    /// A token for a live session (JSON `refresh`, MQTT v5 AUTH): checked like a connect and
    /// it must name the same subject as `current`.
    result<identity> refresh(const identity& current, std::string_view token, std::string* why = nullptr) const;

private:
    const static_user* find(const std::string& name) const;
    result<identity> from_token(std::string_view token, std::string* why) const;
    static_options opts_;
    keyring keys_;
    const revocation_list* revoked_;
    clock_fn now_;
};

} // namespace runnel::auth
