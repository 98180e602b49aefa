#include "runnel/auth/revocations.hpp"

#include "runnel/auth/authenticator.hpp"

#include <cstring>
#include <mutex>

namespace runnel::auth {
namespace {

constexpr char format_version = 1;

void put_i64(std::string& out, std::int64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);
    out.append(b, 8);
}

std::int64_t get_i64(std::string_view s) {
    std::int64_t v;
    std::memcpy(&v, s.data(), 8);
    return v;
}

std::optional<revocation::kind> kind_of(std::string_view s) {
    if (s == "jti") return revocation::kind::jti;
    if (s == "sub") return revocation::kind::subject;
    if (s == "kid") return revocation::kind::kid;
    return std::nullopt;
}

/// Merges `r` into `slot`: the widest cover and the latest expiry win.
bool widen(revocation& slot, const revocation& r) {
    bool changed = false;
    if (r.before > slot.before) slot.before = r.before, changed = true;
    bool never = slot.expires == 0 || r.expires == 0;
    std::int64_t exp = never ? 0 : std::max(slot.expires, r.expires);
    if (exp != slot.expires) slot.expires = exp, changed = true;
    return changed;
}

} // namespace

std::string_view to_string(revocation::kind k) noexcept {
    switch (k) {
    case revocation::kind::jti: return "jti";
    case revocation::kind::subject: return "sub";
    case revocation::kind::kid: return "kid";
    }
    return "?";
}

std::string revocation_key(const revocation& r) {
    return std::string(revocation_prefix) + std::string(to_string(r.what)) + "/" + r.value;
}

std::string encode_revocation(const revocation& r) {
    std::string out(1, format_version);
    put_i64(out, r.before);
    put_i64(out, r.expires);
    return out;
}

std::optional<revocation> decode_revocation(std::string_view key, std::string_view value) {
    if (!key.starts_with(revocation_prefix) || value.size() != 17 || value[0] != format_version) return std::nullopt;
    key.remove_prefix(revocation_prefix.size());
    auto slash = key.find('/');
    if (slash == key.npos) return std::nullopt;
    auto k = kind_of(key.substr(0, slash));
    if (!k) return std::nullopt;
    return revocation{*k, std::string(key.substr(slash + 1)), get_i64(value.substr(1)), get_i64(value.substr(9))};
}

std::optional<revocation> revocation_list::add(const revocation& r) {
    std::unique_lock lock(mu_);
    auto& table = r.what == revocation::kind::jti ? jti_ : r.what == revocation::kind::subject ? sub_ : kid_;
    auto [it, fresh] = table.try_emplace(r.value, r);
    if (fresh || widen(it->second, r)) return it->second;
    return std::nullopt;
}

bool revocation_list::covers(const identity& who) const {
    if (who.source != identity_source::token) return false;
    std::shared_lock lock(mu_);
    if (!who.jti.empty() && jti_.count(who.jti)) return true;
    if (kid_.count(who.kid)) return true;
    auto s = sub_.find(who.subject);
    return s != sub_.end() && who.issued_at <= s->second.before;
}

std::vector<revocation> revocation_list::expire(std::int64_t now) {
    std::vector<revocation> gone;
    std::unique_lock lock(mu_);
    for (auto* table : {&jti_, &sub_, &kid_}) {
        std::erase_if(*table, [&](const auto& e) {
            bool dead = e.second.expires != 0 && e.second.expires < now;
            if (dead) gone.push_back(e.second);
            return dead;
        });
    }
    return gone;
}

std::vector<revocation> revocation_list::all() const {
    std::shared_lock lock(mu_);
    std::vector<revocation> out;
    for (const auto* table : {&jti_, &sub_, &kid_}) {
        for (const auto& [k, r] : *table) out.push_back(r);
    }
    return out;
}

std::size_t revocation_list::size() const {
    std::shared_lock lock(mu_);
    return jti_.size() + sub_.size() + kid_.size();
}

} // namespace runnel::auth
