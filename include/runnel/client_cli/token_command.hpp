#pragma once
/// `runnel token keygen | create | revoke`: signing keys, tokens and revocations (docs/cli.md).
/// Keys are files holding JSON (`{"kid", "alg", "private_key" | "secret", "public_key"}`, base64),
/// written with mode 0600; nodes only ever see the public half in auth.keys.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace runnel::client_cli {

struct token_args {
    // keygen
    std::string kid = "main";
    std::string alg = "EdDSA";
    std::string out;
    // create, revoke
    std::string key_file;
    // create
    std::string sub;
    std::vector<std::string> grants; // PATTERN=ACTION,ACTION
    std::string ttl = "15m";
    std::string jti;
    std::string not_before; // duration from now
    // revoke
    std::string url = "http://127.0.0.1:9090";
    std::string admin_token;
    std::string revoke_jti, revoke_sub, revoke_kid;
    std::optional<std::int64_t> before;
    std::optional<std::int64_t> exp;
};

void add_token_command(CLI::App& app, token_args& a);
/// Exit codes: 0 done, 1 refused / unreachable, 2 bad flags or key file.
int run_token(CLI::App& app, token_args a);

} // namespace runnel::client_cli
