#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/revocations.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>

namespace runnel::auth {
namespace {

result<identity> refuse(errc e, std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return make_error_code(e);
}

} // namespace

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

static_authenticator::static_authenticator(static_options opts, const revocation_list* revoked, clock_fn now)
    : opts_(std::move(opts)), keys_(opts_.keys), revoked_(revoked), now_(std::move(now)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

const static_user* static_authenticator::find(const std::string& name) const {
    for (const auto& u : opts_.users) {
        if (u.username == name) return &u;
    }
    return nullptr;
}

bool static_authenticator::expensive(const credentials& c) const {
    if (c.token || !c.username) return false;
    if (c.password && !keys_.empty() && looks_like_jwt(*c.password)) return false;
    const auto* u = find(*c.username);
    return u && !u->password_hash.empty();
}

result<identity> static_authenticator::from_token(std::string_view token, std::string* why) const {
    if (keys_.empty()) return refuse(errc::bad_credentials, why, "this server accepts no tokens (auth.keys is empty)");
    token_error err;
    auto c = verify(token, keys_, now_(), opts_.tokens, err);
    if (!c) return refuse(errc::bad_credentials, why, err.reason);
    identity id;
    id.subject = c->sub;
    id.source = identity_source::token;
    id.grants = std::move(c->grants);
    id.jti = std::move(c->jti);
    id.kid = std::move(c->kid);
    if (c->exp) id.expires_at = *c->exp + opts_.tokens.clock_skew;
    id.issued_at = c->iat ? *c->iat : c->exp ? *c->exp - opts_.tokens.max_ttl : 0;
    if (revoked_ && revoked_->covers(id)) return refuse(errc::bad_credentials, why, "token revoked");
    return id;
}

result<identity> static_authenticator::authenticate(const credentials& c, std::string* why) const {
    if (c.token) return from_token(*c.token, why);
    if (c.password && !keys_.empty() && looks_like_jwt(*c.password)) return from_token(*c.password, why);
    if (c.username) {
        const auto* u = find(*c.username);
        const std::string pw = c.password.value_or(std::string());
        if (!u) return refuse(errc::bad_credentials, why, "bad user name or password");
        if (!u->password_hash.empty()) {
            if (crypto_pwhash_str_verify(u->password_hash.c_str(), pw.data(), pw.size()) != 0)
                return refuse(errc::bad_credentials, why, "bad user name or password");
        } else if (u->password.size() != pw.size() || sodium_memcmp(u->password.data(), pw.data(), pw.size()) != 0) {
            return refuse(errc::bad_credentials, why, "bad user name or password");
        }
        identity id{u->username, false, identity_source::user, u->grants.for_subject(u->username)};
        return id;
    }
    if (c.certificate_subject) {
        identity id{*c.certificate_subject, false, identity_source::certificate,
                    opts_.certificate_grants.for_subject(*c.certificate_subject)};
        return id;
    }
    if (!opts_.anonymous) return refuse(errc::not_authorized, why, "anonymous access is off: present a token");
    if (opts_.anonymous_loopback_only && !c.loopback)
        return refuse(errc::not_authorized, why, "anonymous access is allowed on loopback only: present a token");
    identity id;
    id.anonymous = true;
    id.grants = opts_.anonymous_grants;
    return id;
}

result<identity> static_authenticator::refresh(const identity& current, std::string_view token, std::string* why) const {
    auto next = from_token(token, why);
    if (!next) return next;
    if (current.source != identity_source::anonymous && next->subject != current.subject)
        return refuse(errc::not_authorized, why, "the new token names another subject (" + next->subject + ")");
    return next;
}

} // namespace runnel::auth
