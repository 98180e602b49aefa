// `runnel token keygen | create | revoke`.
#include "runnel/client_cli/token_command.hpp"

#include "http_link.hpp"
#include "token_keys.hpp"
#include "transports.hpp"

#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/base64.hpp"
#include "runnel/client_cli/endpoint.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "runnel/client_cli/errors.hpp"
#include "runnel/codec/json/text.hpp"
#include "runnel/config/load.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>
#include <CLI/CLI.hpp>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

std::int64_t seconds_flag(const std::string& text, const char* flag) {
    auto d = config::parse_duration(text);
    if (!d) throw usage_error(std::string(flag) + " " + text + ": expected a duration such as 15m, 1h or 7d");
    return std::chrono::duration_cast<std::chrono::seconds>(*d).count();
}

auth::key read_key(const std::string& path) {
    if (path.empty()) throw usage_error("--key FILE is required (a key file from `runnel token keygen --out FILE`)");
    std::ifstream in(path);
    if (!in) throw usage_error("--key " + path + ": cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_key_file(text.str(), path);
}

void write_private(const std::string& path, const std::string& text) {
    auto old = ::umask(077);
    std::ofstream out(path, std::ios::trunc);
    ::umask(old);
    if (!out || !(out << text) || !out.flush()) throw failure("--out " + path + ": cannot write the key file");
    ::chmod(path.c_str(), 0600);
}

int keygen(const token_args& a) {
    auth::key k;
    if (a.alg == "EdDSA") {
        k = auth::generate_eddsa_key(a.kid);
    } else if (a.alg == "HS256") {
        k = {a.kid, auth::key_alg::hs256, {}, {}, std::string(32, '\0')};
        if (sodium_init() < 0) throw failure("libsodium failed to initialise");
        randombytes_buf(k.secret.data(), k.secret.size());
    } else {
        throw usage_error("--alg " + a.alg + ": expected EdDSA or HS256");
    }
    if (a.out.empty()) {
        std::cout << key_file_json(k);
    } else {
        write_private(a.out, key_file_json(k));
        std::cerr << "runnel token: key written to " << a.out << " (keep it secret)\n";
    }
    std::cout << "# auth.keys entry for the server config:\n- " << config_entry(k) << "\n";
    return 0;
}

int create(const token_args& a) {
    if (a.sub.empty()) throw usage_error("--sub ID is required");
    auto k = read_key(a.key_file);
    auth::claims c;
    c.sub = a.sub;
    c.grants = parse_grant_flags(a.grants);
    auto now = auth::unix_now();
    c.iat = now;
    c.exp = now + seconds_flag(a.ttl, "--ttl");
    if (!a.not_before.empty()) c.nbf = now + seconds_flag(a.not_before, "--not-before");
    if (a.jti.empty()) {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof raw);
        c.jti = auth::to_base64url(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
    } else {
        c.jti = a.jti;
    }
    std::cout << auth::sign(c, k) << "\n";
    return 0;
}

std::string revocation_body(const token_args& a) {
    int given = !a.revoke_jti.empty() + !a.revoke_sub.empty() + !a.revoke_kid.empty();
    if (given != 1) throw usage_error("give exactly one of --jti, --sub or --kid");
    std::string body = "{";
    auto member = [&](const char* name, const std::string& v) {
        body += '"';
        body += name;
        body += "\":";
        codec::json::append_json_string(body, v);
    };
    if (!a.revoke_jti.empty()) {
        member("jti", a.revoke_jti);
        if (a.exp) body += ",\"exp\":" + std::to_string(*a.exp);
    } else if (!a.revoke_sub.empty()) {
        member("sub", a.revoke_sub);
        if (a.before) body += ",\"before\":" + std::to_string(*a.before);
    } else {
        member("kid", a.revoke_kid);
    }
    return body + "}";
}

asio::awaitable<void> post_revocation(endpoint e, std::string token, std::string body) {
    http_link link(co_await asio::this_coro::executor, e, nullptr, std::chrono::seconds(10));
    link.set_token(std::move(token));
    auto req = link.make_request(boost::beast::http::verb::post, e.target + "/admin/v1/revocations");
    req.set(boost::beast::http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    auto a = co_await link.exchange(std::move(req), std::chrono::seconds(10));
    if (a.status != 200) throw refusal("revocation refused: " + describe_http_error(a.status, a.body));
    std::cout << a.body << "\n";
    link.close();
}

int revoke(const token_args& a) {
    auto body = revocation_body(a);
    std::string token = a.admin_token;
    if (token.empty()) {
        // Mint a one-minute admin token with the signing key.
        auth::claims c;
        c.sub = "runnel-token-cli";
        c.iat = auth::unix_now();
        c.exp = *c.iat + 60;
        c.grants = auth::grant_set({{"#", static_cast<auth::action_set>(auth::action::admin)}});
        token = auth::sign(c, read_key(a.key_file));
    }
    auto e = resolve_endpoint(via::http, a.url);
    if (e.tls) throw usage_error("--url: the admin listener is plain HTTP here; use http://");
    asio::io_context io;
    std::exception_ptr error;
    asio::co_spawn(io, post_revocation(e, token, body), [&](std::exception_ptr ep) { error = ep; });
    io.run();
    if (error) std::rethrow_exception(error);
    return 0;
}

} // namespace

void add_token_command(CLI::App& app, token_args& a) {
    auto* t = app.add_subcommand("token", "Signing keys, tokens and revocations");
    t->require_subcommand(1);
    auto* kg = t->add_subcommand("keygen", "Generate a signing key (private file + the auth.keys entry)");
    kg->add_option("--kid", a.kid, "key id (default main)");
    kg->add_option("--alg", a.alg, "EdDSA (default) or HS256");
    kg->add_option("--out", a.out, "write the private key file here (mode 0600) instead of stdout");
    auto* cr = t->add_subcommand("create", "Mint a token");
    cr->add_option("--key", a.key_file, "key file from `runnel token keygen`")->required();
    cr->add_option("--sub", a.sub, "subject (client identity)")->required();
    cr->add_option("--grant", a.grants, "PATTERN=ACTION[,ACTION] (subscribe, publish, history, presence, admin); repeatable");
    cr->add_option("--ttl", a.ttl, "lifetime (default 15m)");
    cr->add_option("--jti", a.jti, "token id (default random)");
    cr->add_option("--not-before", a.not_before, "valid only after this delay (sets nbf)");
    auto* rv = t->add_subcommand("revoke", "Revoke tokens on a node (POST /admin/v1/revocations)");
    rv->add_option("--url", a.url, "the node's admin listener (default http://127.0.0.1:9090)");
    rv->add_option("--token", a.admin_token, "a token with the admin action");
    rv->add_option("--key", a.key_file, "or a key file: mints a one-minute admin token");
    rv->add_option("--jti", a.revoke_jti, "revoke one token by its jti");
    rv->add_option("--exp", a.exp, "with --jti: the token's exp (Unix s), so the entry expires with it");
    rv->add_option("--sub", a.revoke_sub, "revoke every token of this subject issued at or before --before");
    rv->add_option("--before", a.before, "with --sub: Unix seconds (default now)");
    rv->add_option("--kid", a.revoke_kid, "revoke every token signed with this key id");
}

int run_token(CLI::App& app, token_args a) {
    auto* t = app.get_subcommand("token");
    try {
        if (t->got_subcommand("keygen")) return keygen(a);
        if (t->got_subcommand("create")) return create(a);
        if (t->got_subcommand("revoke")) {
            if (a.admin_token.empty() && a.key_file.empty()) throw usage_error("give --token ADMIN_TOKEN or --key FILE");
            return revoke(a);
        }
    } catch (const usage_error& e) {
        std::cerr << "runnel token: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "runnel token: " << e.what() << "\n";
        return 1;
    }
    return 2;
}

} // namespace runnel::client_cli
