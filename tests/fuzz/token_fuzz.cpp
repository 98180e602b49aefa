// libFuzzer target for token parsing (docs/fuzzing.md). The first byte picks what the rest is:
//   0: a whole token string, checked against fixed EdDSA and HS256 keys;
//   1: a JWT payload (claims JSON), signed here with the HS256 key, so claim parsing is reached
//      past the signature check;
//   2: a JWT header JSON, same;
//   3: the body of POST /admin/v1/revocations.
// Any bytes must give claims or a reason, never a crash. Accepted claims must be well-formed
// (sub set, grant patterns valid filters) and survive sign -> verify unchanged.
#include "fuzz_keys.hpp"
#include "fuzz_require.hpp"
#include "revocation_request.hpp"
#include "runnel/auth/base64.hpp"
#include "runnel/auth/token.hpp"
#include "runnel/core/topic.hpp"

#include <cstdint>
#include <string>

namespace {

using namespace runnel;
constexpr std::int64_t now = 1'800'000'000;

using fuzz::keys;

void check_token(const std::string& token) {
    auth::token_error why;
    auto c = auth::verify(token, keys(), now, auth::verify_options{}, why);
    if (!c) {
        REQUIRE(!why.reason.empty());
        return;
    }
    REQUIRE(!c->sub.empty());
    REQUIRE(c->exp.has_value());
    for (const auto& g : c->grants.list()) REQUIRE(core::validate_filter(g.pattern) == errc::ok);
    // Round trip through our own signer: the same claims come back.
    const auth::key* hs = keys().find("legacy");
    auto again = auth::verify(auth::sign(*c, *hs), keys(), now, auth::verify_options{}, why);
    REQUIRE(again);
    REQUIRE(again->sub == c->sub && again->jti == c->jti && again->exp == c->exp && again->grants == c->grants);
}

std::string signed_hs256(std::string_view header, std::string_view payload) {
    return auth::sign_raw(header, payload, *keys().find("legacy"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0: check_token(rest); break;
    case 1: check_token(signed_hs256(R"({"alg":"HS256","kid":"legacy"})", rest)); break;
    case 2: check_token(signed_hs256(rest, R"({"sub":"a","exp":1800000100})")); break;
    case 3: {
        std::string error;
        auto r = gateway::http::parse_revocation(rest, now, 86400, 30, error);
        REQUIRE(r.has_value() != !error.empty());
        if (r) REQUIRE(!r->value.empty() && (r->expires == 0 || r->expires > 0));
        break;
    }
    }
    return 0;
}
