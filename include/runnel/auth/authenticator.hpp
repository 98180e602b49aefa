#pragma once
/// Who may connect. Gateways hand the credentials a client presented (MQTT user name and
/// password now; tokens in a later issue) to an authenticator and get an identity or an error.
/// Affinity: authenticate() is pure and thread-safe; `expensive()` says whether a call must go
/// to the blocking pool (password hashing) instead of running on a worker.
#include "runnel/core/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace runnel::auth {

struct credentials {
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::string client_id;
    bool loopback = false; // the peer address is 127.0.0.0/8 or ::1
};

struct identity {
    std::string subject;   // user name, or empty for anonymous
    bool anonymous = false;
};

class authenticator {
public:
    virtual ~authenticator() = default;
    /// errc::bad_credentials for a wrong user name or password, errc::not_authorized when the
    /// client may not connect at all (e.g. anonymous off, or not on loopback).
    virtual result<identity> authenticate(const credentials& c) const = 0;
    virtual bool expensive(const credentials& c) const = 0;
};

struct static_user {
    std::string username;
    std::string password;      // plain text, compared in constant time
    std::string password_hash; // libsodium crypto_pwhash_str ("$argon2id$...")
};

struct static_options {
    bool anonymous = true;
    bool anonymous_loopback_only = true;
    std::vector<static_user> users;
};

/// Anonymous access (optionally loopback only) plus a fixed user list from the config.
class static_authenticator final : public authenticator {
public:
    explicit static_authenticator(static_options opts);
    result<identity> authenticate(const credentials& c) const override;
    bool expensive(const credentials& c) const override;

private:
    const static_user* find(const std::string& name) const;
    static_options opts_;
};

} // namespace runnel::auth
