#pragma once
/// Server TLS contexts built from files named in the config (TLS 1.2+ only).
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

/// Throws std::runtime_error naming the file when a certificate or key cannot be loaded;
/// called at startup only.
std::unique_ptr<boost::asio::ssl::context> make_server_tls(const tls_files& files);

} // namespace runnel::net
