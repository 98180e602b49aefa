// TLS listeners of an in-process node: certificate reload (new handshakes see the new
// certificate, live connections go on, a broken file keeps the old one and counts), the TLS
// handshake timeout, and client certificates as identities (tls.identity). Certificates are
// made with the openssl command in a temporary directory.
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"
#include "runnel/config/load.hpp"
#include "runnel/server/node.hpp"

#include "../support/mqtt_test_client.hpp"
#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

using namespace runnel;
namespace wire = runnel::codec::mqtt;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void sh(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

/// A CA, two server certificates for 127.0.0.1 with known serials (a.pem/b.pem, keys
/// a.key/b.key) and client certificates CN=dev1 (signed by the CA) and CN=rogue (self-signed).
struct cert_dir {
    test::temp_dir dir{"runnel-tls-it"};
    std::string p(const std::string& name) const { return (dir.path / name).string(); }
    cert_dir() {
        auto d = dir.path.string();
        sh("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key"
           " -out ca.pem -days 2 -subj '/CN=Runnel test CA' -addext basicConstraints=critical,CA:TRUE"
           " -addext keyUsage=critical,keyCertSign,cRLSign");
        sh("cd " + d + " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext");
        leaf("a", "/CN=localhost", "4097", "-extfile server.ext");
        leaf("b", "/CN=localhost", "8194", "-extfile server.ext");
        leaf("dev1", "/O=Acme/CN=dev1", "12291", "");
        sh("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key"
           " -out rogue.pem -days 2 -subj /CN=rogue");
    }
    void leaf(const std::string& name, const std::string& subj, const std::string& serial, const std::string& ext) {
        auto d = dir.path.string();
        sh("cd " + d + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
           ".key -out " + name + ".csr -subj " + subj);
        sh("cd " + d + " && openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -set_serial " + serial +
           " -days 2 " + ext + " -out " + name + ".pem");
    }
    /// Makes `server.pem`/`server.key` (what the node's config names) copies of `name`'s.
    void install(const std::string& cert, const std::string& key) const {
        fs::copy_file(p(cert + ".pem"), p("server.pem"), fs::copy_options::overwrite_existing);
        fs::copy_file(p(key + ".key"), p("server.key"), fs::copy_options::overwrite_existing);
    }
};

/// A blocking TLS client on a raw socket; every read waits at most 5 s (SO_RCVTIMEO).
class tls_client {
public:
    explicit tls_client(std::uint16_t port, const cert_dir* client_cert = nullptr, const std::string& name = "") {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr); // the tests read the certificate themselves
        if (client_cert) {
            SSL_CTX_use_certificate_file(ctx_, client_cert->p(name + ".pem").c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(ctx_, client_cert->p(name + ".key").c_str(), SSL_FILETYPE_PEM);
        }
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        ok_ = SSL_connect(ssl_) == 1;
        decoder_.set_protocol_version(wire::version::v5);
    }
    ~tls_client() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        ::close(fd_);
    }
    bool handshake_ok() const { return ok_; }
    /// The server certificate's serial number (decimal).
    long serial() const {
        X509* c = SSL_get1_peer_certificate(ssl_);
        if (!c) return -1;
        long s = ASN1_INTEGER_get(X509_get_serialNumber(c));
        X509_free(c);
        return s;
    }
    void send(const wire::packet& p) {
        auto bytes = wire::encode(p, wire::version::v5);
        if (SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size()))
            throw std::runtime_error("SSL_write failed");
    }
    /// The next packet, or nullopt when the server closed the connection or 5 s passed.
    std::optional<wire::packet> next() {
        return test::next_packet(decoder_, buf_, [this](char* chunk, std::size_t size) -> std::size_t {
            int n = SSL_read(ssl_, chunk, static_cast<int>(size));
            return n <= 0 ? 0 : static_cast<std::size_t>(n);
        });
    }
    template <class T> T expect() {
        auto p = next();
        if (!p || !std::holds_alternative<T>(*p)) throw std::runtime_error("unexpected packet or close");
        return std::get<T>(*p);
    }
    wire::connack connect(const std::string& client_id) {
        wire::connect c;
        c.ver = wire::version::v5;
        c.clean_start = true;
        c.keep_alive = 30;
        c.client_id = client_id;
        send(c);
        return expect<wire::connack>();
    }

private:
    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    bool ok_ = false;
    wire::decoder decoder_;
    std::string buf_;
};

config::options tls_options(const cert_dir& c, const std::string& tls_extra, std::vector<std::string> more = {}) {
    config::overrides o;
    o.data_dir = c.p("data");
    o.workers = 2;
    o.sets = {"log.level=error",
              "listeners=[{protocol: mqtt, bind: '127.0.0.1:0', tls: {cert: '" + c.p("server.pem") + "', key: '" +
                  c.p("server.key") + "', ca: '" + c.p("ca.pem") + "'" + tls_extra +
                  "}}, {protocol: admin, bind: '127.0.0.1:0'}]"};
    for (auto& s : more) o.sets.push_back(std::move(s));
    return config::load(std::nullopt, o);
}

bool has_metric(const server::node& n, const std::string& line) {
    return n.metrics_text().find(line + "\n") != std::string::npos;
}

struct tls_reload : ::testing::Test {
    cert_dir certs;
    std::unique_ptr<server::node> n;
    void SetUp() override {
        certs.install("a", "a");
        n = std::make_unique<server::node>(tls_options(certs, ""));
        n->start();
    }
    std::uint16_t port() const { return n->port(config::protocol::mqtt, true); }
};

TEST_F(tls_reload, new_handshakes_get_the_new_certificate_and_live_connections_go_on) {
    tls_client old(port());
    ASSERT_TRUE(old.handshake_ok());
    EXPECT_EQ(old.serial(), 4097);
    ASSERT_EQ(old.connect("old").reason_code, wire::reason::success);
    old.send(wire::subscribe{1, {{"reload/t", 0}}, {}});
    old.expect<wire::suback>();

    certs.install("b", "b");
    EXPECT_EQ(n->reload_tls(), 0u);
    EXPECT_TRUE(has_metric(*n, "runnel_tls_reloads_total{result=\"ok\"} 1"));

    tls_client fresh(port());
    ASSERT_TRUE(fresh.handshake_ok());
    EXPECT_EQ(fresh.serial(), 8194);
    ASSERT_EQ(fresh.connect("fresh").reason_code, wire::reason::success);
    fresh.send(wire::publish{"reload/t", "after", 0, false, false, 0, {}});
    auto got = old.expect<wire::publish>(); // the connection from before the reload still works
    EXPECT_EQ(got.payload, "after");
    old.send(wire::publish{"reload/t", "old-writes", 0, false, false, 0, {}});
    EXPECT_EQ(old.expect<wire::publish>().payload, "old-writes");
}

TEST_F(tls_reload, a_broken_or_mismatched_file_keeps_the_old_certificate_and_counts_an_error) {
    { // garbage in the certificate file
        std::ofstream(certs.p("server.pem"), std::ios::trunc) << "not a certificate\n";
        EXPECT_EQ(n->reload_tls(), 1u);
        tls_client c(port());
        ASSERT_TRUE(c.handshake_ok());
        EXPECT_EQ(c.serial(), 4097);
        EXPECT_EQ(c.connect("still-a").reason_code, wire::reason::success);
    }
    { // certificate b with key a
        certs.install("b", "a");
        EXPECT_EQ(n->reload_tls(), 1u);
        tls_client c(port());
        ASSERT_TRUE(c.handshake_ok());
        EXPECT_EQ(c.serial(), 4097);
    }
    { // a missing key file
        fs::remove(certs.p("server.key"));
        EXPECT_EQ(n->reload_tls(), 1u);
    }
    EXPECT_TRUE(has_metric(*n, "runnel_tls_reloads_total{result=\"error\"} 3"));
    EXPECT_TRUE(has_metric(*n, "runnel_tls_reloads_total{result=\"ok\"} 0"));
    certs.install("b", "b"); // fixed: the next reload takes it
    EXPECT_EQ(n->reload_tls(), 0u);
    tls_client c(port());
    EXPECT_EQ(c.serial(), 8194);
}

TEST(tls_handshake, a_client_that_never_handshakes_is_closed_after_the_timeout_and_counted) {
    cert_dir certs;
    certs.install("a", "a");
    // mqtt.connect_timeout (10 s) would close it too, much later: the TLS deadline must win.
    server::node n(tls_options(certs, ", handshake_timeout: 300ms"));
    n.start();
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(n.port(config::protocol::mqtt, true));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    auto start = std::chrono::steady_clock::now();
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1) << "not closed within 5 s";
    char c;
    EXPECT_LE(::recv(fd, &c, 1, 0), 0); // end of stream (or reset), no bytes
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 3s);
    ::close(fd);
    // Counted once the handshake coroutine has seen the deadline (it closed the socket first).
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!has_metric(n, "runnel_tls_handshake_failures_total{reason=\"timeout\"} 1") &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(has_metric(n, "runnel_tls_handshake_failures_total{reason=\"timeout\"} 1"));
    EXPECT_TRUE(has_metric(n, "runnel_limit_exceeded_total{limit=\"handshake_timeout\"} 1"));
}

struct tls_identity : ::testing::Test {
    cert_dir certs;
    std::unique_ptr<server::node> n;
    void start(const std::string& mode) {
        certs.install("a", "a");
        n = std::make_unique<server::node>(tls_options(certs, ", identity: " + mode, {
            "auth.anonymous.enabled=false",
            "auth.certificate.grants={'devices/{sub}/#': [publish, subscribe]}"}));
        n->start();
    }
    std::uint16_t port() const { return n->port(config::protocol::mqtt, true); }
};

TEST_F(tls_identity, a_verified_client_certificate_is_the_identity_and_no_certificate_is_refused) {
    start("cn");
    tls_client dev1(port(), &certs, "dev1");
    ASSERT_TRUE(dev1.handshake_ok());
    EXPECT_EQ(dev1.connect("dev1").reason_code, wire::reason::success);
    tls_client nobody(port());
    ASSERT_TRUE(nobody.handshake_ok()); // the certificate is optional (require_client_cert false)
    EXPECT_EQ(nobody.connect("nobody").reason_code, wire::reason::not_authorized);
    // A certificate that does not chain to tls.ca fails the handshake itself.
    tls_client rogue(port(), &certs, "rogue");
    bool refused = !rogue.handshake_ok() || !rogue.next().has_value();
    EXPECT_TRUE(refused);
}

TEST_F(tls_identity, identity_none_only_checks_the_certificate) {
    start("none");
    tls_client dev1(port(), &certs, "dev1");
    ASSERT_TRUE(dev1.handshake_ok());
    EXPECT_EQ(dev1.connect("dev1").reason_code, wire::reason::not_authorized);
}

TEST_F(tls_identity, dn_mode_names_the_whole_subject) {
    start("dn");
    // {sub} would be "CN=dev1,O=Acme": the grant is for that subject, and CONNECT succeeds.
    tls_client dev1(port(), &certs, "dev1");
    ASSERT_TRUE(dev1.handshake_ok());
    EXPECT_EQ(dev1.connect("dev1").reason_code, wire::reason::success);
}

} // namespace
