#pragma once
// The keys the token-reading fuzz targets verify against: an Ed25519 public key (kid main) and
// an HS256 secret (kid legacy), so both algorithms and the kid lookup are reached.
#include "runnel/auth/token.hpp"

#include <string>
#include <vector>

namespace runnel::fuzz {

inline const auth::keyring& keys() {
    static const auth::keyring ring([] {
        auth::key ed{"main", auth::key_alg::eddsa, std::string(32, '\x11'), {}, {}};
        auth::key hs{"legacy", auth::key_alg::hs256, {}, {}, std::string(32, 's')};
        return std::vector<auth::key>{ed, hs};
    }());
    return ring;
}

} // namespace runnel::fuzz
