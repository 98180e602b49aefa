#include "runnel/net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace runnel::net {
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_server_tls(const tls_files& f) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::single_dh_use);
    int min = f.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
    SSL_CTX_set_min_proto_version(ctx->native_handle(), min);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(f.cert, ec);
    if (ec) throw std::runtime_error("tls.cert: cannot load '" + f.cert + "': " + ec.message());
    ctx->use_private_key_file(f.key, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("tls.key: cannot load '" + f.key + "': " + ec.message());
    // OpenSSL may keep a key that does not match the certificate until the first handshake.
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw std::runtime_error("tls.key: '" + f.key + "' does not match the certificate '" + f.cert + "'");
    if (!f.ca.empty()) {
        ctx->load_verify_file(f.ca, ec);
        if (ec) throw std::runtime_error("tls.ca: cannot load '" + f.ca + "': " + ec.message());
        auto mode = ssl::verify_peer;
        if (f.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
        ctx->set_verify_mode(mode);
    }
    return ctx;
}

std::unique_ptr<ssl::context> make_client_tls(const tls_client_files& f) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    if (!f.cert.empty()) {
        ctx->use_certificate_chain_file(f.cert, ec);
        if (ec) throw std::runtime_error("cannot load certificate '" + f.cert + "': " + ec.message());
        ctx->use_private_key_file(f.key, ssl::context::pem, ec);
        if (ec) throw std::runtime_error("cannot load key '" + f.key + "': " + ec.message());
    }
    if (!f.verify) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    if (f.ca.empty()) ctx->set_default_verify_paths(ec);
    else ctx->load_verify_file(f.ca, ec);
    if (ec) throw std::runtime_error("cannot load CA '" + (f.ca.empty() ? "system store" : f.ca) + "': " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

} // namespace runnel::net
