#pragma once
/// TLS contexts (TLS 1.2+ only): the server's, built from files named in the config, and the
/// client's (runnel pub/sub, runnel bench).
#include "runnel/core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace runnel::net {

struct tls_files {
    std::string cert;          // PEM chain
    std::string key;           // PEM private key
    std::string ca;            // optional: CA bundle to verify client certificates
    bool require_client_cert = false;
    std::string min_version = "1.2"; // "1.2" or "1.3"
};

/// Throws std::runtime_error naming the file when a certificate, key or CA cannot be loaded or
/// the key does not match the certificate; called at startup and by tls_server::reload().
std::unique_ptr<boost::asio::ssl::context> make_server_tls(const tls_files& files);

struct tls_client_files {
    std::string ca;   // CA bundle (PEM) the server must chain to; empty = the system store
    std::string cert; // optional client certificate chain (PEM), with `key`
    std::string key;
    bool verify = true; // false accepts any server certificate
};

/// Throws std::runtime_error naming the file when one cannot be loaded. Host names are checked
/// per connection (make_tls_client_transport).
std::unique_ptr<boost::asio::ssl::context> make_client_tls(const tls_client_files& files);

} // namespace runnel::net
