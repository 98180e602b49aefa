#include "runnel/net/tls_server.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace runnel::net {

tls_server::tls_server(tls_server_options o, tls_counters c)
    : o_(std::move(o)), c_(c), ctx_(std::shared_ptr<boost::asio::ssl::context>(make_server_tls(o_.files))) {}

std::optional<std::string> tls_server::reload() {
    std::shared_ptr<boost::asio::ssl::context> fresh;
    try {
        fresh = make_server_tls(o_.files);
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    ctx_.store(std::move(fresh));
    return std::nullopt;
}

namespace {

struct x509_free {
    void operator()(X509* x) const noexcept { X509_free(x); }
};
struct bio_free {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};

std::optional<std::string> common_name(X509_NAME* name) {
    int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (at < 0) return std::nullopt;
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) return std::nullopt;
    std::string cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    if (cn.empty() || cn.find('\0') != std::string::npos) return std::nullopt; // no embedded NULs
    return cn;
}

std::optional<std::string> distinguished_name(X509_NAME* name) {
    std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
    if (!bio) return std::nullopt;
    // RFC 2253 order and escaping, but UTF-8 kept as is rather than \XX escaped.
    if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return std::nullopt;
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    if (n <= 0) return std::nullopt;
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

std::optional<std::string> peer_identity(SSL* ssl, identity_mode mode) {
    if (mode == identity_mode::none || !ssl) return std::nullopt;
    std::unique_ptr<X509, x509_free> cert(SSL_get1_peer_certificate(ssl));
    // Without tls.ca the server never asks for a certificate; with it, a certificate that did
    // not chain fails the handshake, so this check only guards against a changed verify mode.
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
    X509_NAME* subject = X509_get_subject_name(cert.get());
    if (!subject) return std::nullopt;
    return mode == identity_mode::cn ? common_name(subject) : distinguished_name(subject);
}

} // namespace runnel::net
