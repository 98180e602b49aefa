#include "runnel/auth/authenticator.hpp"

#include <sodium.h>

#include <stdexcept>

namespace runnel::auth {

static_authenticator::static_authenticator(static_options opts) : opts_(std::move(opts)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

const static_user* static_authenticator::find(const std::string& name) const {
    for (const auto& u : opts_.users) {
        if (u.username == name) return &u;
    }
    return nullptr;
}

bool static_authenticator::expensive(const credentials& c) const {
    if (!c.username) return false;
    const auto* u = find(*c.username);
    return u && !u->password_hash.empty();
}

result<identity> static_authenticator::authenticate(const credentials& c) const {
    if (!c.username) {
        if (!opts_.anonymous || (opts_.anonymous_loopback_only && !c.loopback))
            return make_error_code(errc::not_authorized);
        return identity{{}, true};
    }
    const auto* u = find(*c.username);
    const std::string pw = c.password.value_or(std::string());
    if (!u) return make_error_code(errc::bad_credentials);
    if (!u->password_hash.empty()) {
        auto ok = crypto_pwhash_str_verify(u->password_hash.c_str(), pw.data(), pw.size()) == 0;
        if (!ok) return make_error_code(errc::bad_credentials);
    } else if (u->password.size() != pw.size() ||
               sodium_memcmp(u->password.data(), pw.data(), pw.size()) != 0) {
        return make_error_code(errc::bad_credentials);
    }
    return identity{u->username, false};
}

} // namespace runnel::auth
