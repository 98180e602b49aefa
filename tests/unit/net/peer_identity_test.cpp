// peer_identity(): a client certificate's CN or RFC 2253 DN after a real handshake between two
// in-memory SSL objects (certificates from the openssl command in a temporary directory).
#include "runnel/net/tls_server.hpp"

#include "../../support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

using namespace runnel;

namespace {

void sh(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

struct certs {
    test::temp_dir dir{"runnel-peer-identity"};
    std::string p(const std::string& n) const { return (dir.path / n).string(); }
    certs() {
        auto d = "cd " + dir.path.string() + " && ";
        auto key = std::string(" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes");
        sh(d + "openssl req -x509" + key + " -keyout ca.key -out ca.pem -days 2 -subj '/CN=CA'"
               " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
        sh(d + "openssl req -x509" + key + " -keyout server.key -out server.pem -days 2 -subj /CN=server");
        for (auto [name, subj] : {std::pair{"dev", "/C=DE/O=Acme, Inc./CN=dev1"}, std::pair{"nocn", "/O=Acme"}}) {
            sh(d + "openssl req -new" + key + " -keyout " + name + ".key -out " + name + ".csr -subj '" + subj + "'");
            sh(d + "openssl x509 -req -in " + std::string(name) + ".csr -CA ca.pem -CAkey ca.key -set_serial 7"
                   " -days 2 -out " + name + ".pem");
        }
    }
};

/// Runs a handshake between a server context (from `files`) and a client presenting `client`
/// (empty: none); returns the server's SSL after it, or null when the handshake failed.
struct handshake {
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    SSL* server = nullptr;
    SSL* client = nullptr;
    std::shared_ptr<boost::asio::ssl::context> sctx;
    bool ok = false;
    handshake(const net::tls_files& files, const std::string& cert, const std::string& key) {
        sctx = std::shared_ptr<boost::asio::ssl::context>(net::make_server_tls(files));
        if (!cert.empty()) {
            SSL_CTX_use_certificate_file(cctx, cert.c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(cctx, key.c_str(), SSL_FILETYPE_PEM);
        }
        server = SSL_new(sctx->native_handle());
        client = SSL_new(cctx);
        BIO *a = nullptr, *b = nullptr;
        BIO_new_bio_pair(&a, 0, &b, 0);
        SSL_set_bio(server, a, a);
        SSL_set_bio(client, b, b);
        SSL_set_accept_state(server);
        SSL_set_connect_state(client);
        for (int i = 0; i < 20; ++i) {
            int c = SSL_do_handshake(client);
            int s = SSL_do_handshake(server);
            if (c == 1 && s == 1) {
                // TLS 1.3: the client is done first; the server's verdict on its certificate
                // arrives with the next read.
                char x;
                SSL_read(client, &x, 0);
                ok = true;
                return;
            }
            if (SSL_get_error(server, s) == SSL_ERROR_SSL || SSL_get_error(client, c) == SSL_ERROR_SSL) return;
        }
    }
    ~handshake() {
        SSL_free(server);
        SSL_free(client);
        SSL_CTX_free(cctx);
    }
};

struct peer_identity : ::testing::Test {
    certs c;
    net::tls_files files() const { return {c.p("server.pem"), c.p("server.key"), c.p("ca.pem"), false, "1.2"}; }
};

TEST_F(peer_identity, cn_and_rfc2253_dn_of_a_verified_certificate) {
    handshake h(files(), c.p("dev.pem"), c.p("dev.key"));
    ASSERT_TRUE(h.ok);
    EXPECT_EQ(net::peer_identity(h.server, net::identity_mode::cn), "dev1");
    // RFC 2253: most specific first, the comma inside a value escaped.
    EXPECT_EQ(net::peer_identity(h.server, net::identity_mode::dn), "CN=dev1,O=Acme\\, Inc.,C=DE");
    EXPECT_EQ(net::peer_identity(h.server, net::identity_mode::none), std::nullopt);
}

TEST_F(peer_identity, no_certificate_or_no_cn_is_no_identity) {
    handshake none(files(), "", "");
    ASSERT_TRUE(none.ok);
    EXPECT_EQ(net::peer_identity(none.server, net::identity_mode::cn), std::nullopt);
    EXPECT_EQ(net::peer_identity(none.server, net::identity_mode::dn), std::nullopt);
    handshake nocn(files(), c.p("nocn.pem"), c.p("nocn.key"));
    ASSERT_TRUE(nocn.ok);
    EXPECT_EQ(net::peer_identity(nocn.server, net::identity_mode::cn), std::nullopt);
    EXPECT_EQ(net::peer_identity(nocn.server, net::identity_mode::dn), "O=Acme");
}

TEST_F(peer_identity, an_untrusted_certificate_fails_the_handshake) {
    handshake h(files(), c.p("server.pem"), c.p("server.key")); // self-signed, not from ca.pem
    EXPECT_FALSE(h.ok && net::peer_identity(h.server, net::identity_mode::cn).has_value());
}

TEST(tls_server, reload_swaps_the_context_only_when_everything_loads) {
    certs c;
    net::tls_server_options o;
    o.files = {c.p("server.pem"), c.p("server.key"), c.p("ca.pem"), false, "1.2"};
    net::tls_server s(o);
    auto first = s.current();
    EXPECT_EQ(s.reload(), std::nullopt);
    auto second = s.current();
    EXPECT_NE(first, second); // a fresh context; `first` stays valid for whoever holds it
    net::tls_server bad(o);
    auto before = bad.current();
    sh("cp " + c.p("dev.key") + " " + c.p("server.key")); // key no longer matches the certificate
    auto err = bad.reload();
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->rfind("tls.key: ", 0), 0u) << *err; // "key values mismatch" from OpenSSL
    EXPECT_NE(err->find(c.p("server.key")), std::string::npos) << *err;
    EXPECT_EQ(bad.current(), before);
}

} // namespace
