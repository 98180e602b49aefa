#pragma once
/// The server side of one TLS listener: its current ssl::context, how a client certificate
/// becomes an identity, the handshake deadline and the counters.
///
/// reload() builds a whole new context from the same files and swaps it in (an atomic
/// shared_ptr): handshakes that start afterwards use the new certificate, connections that
/// already have a context (each holds its own reference) go on untouched, and a reload that
/// fails leaves the current context in place.
/// Affinity: current() and reload() are thread-safe (the acceptor reads on worker 0, SIGHUP's
/// handler writes on the main thread). Ownership: shared by the listener and its transports.
#include "runnel/limits/stats.hpp"
#include "runnel/net/tls_context.hpp"
#include "runnel/obs/metrics.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::net {

/// listeners[].tls.identity: what of a verified client certificate names the client.
enum class identity_mode : std::uint8_t {
    none, // certificates are only checked (tls.ca), never an identity
    cn,   // the subject's common name
    dn,   // the whole subject, RFC 2253 (e.g. "CN=dev1,O=Acme")
};

/// Where handshakes that fail are counted; null members count nowhere.
struct tls_counters {
    obs::counter* handshake_timeouts = nullptr; // no complete handshake within the deadline
    obs::counter* handshake_errors = nullptr;   // any other failed handshake
    limits::stats* limits = nullptr;            // also `limit="handshake_timeout"`
};

struct tls_server_options {
    tls_files files;
    identity_mode identity = identity_mode::none;
    std::chrono::milliseconds handshake_timeout{10'000};
};

class tls_server {
public:
    /// Loads the files now: throws std::runtime_error naming the file (startup fails).
    explicit tls_server(tls_server_options o, tls_counters c = {});

    std::shared_ptr<boost::asio::ssl::context> current() const { return ctx_.load(); }
    /// Re-reads the certificate, key and CA into a fresh context and, when all of it loads,
    /// makes it current. Returns the error (naming the file) and keeps the old context otherwise.
    std::optional<std::string> reload();

    const tls_server_options& options() const noexcept { return o_; }
    const tls_counters& counters() const noexcept { return c_; }

private:
    tls_server_options o_;
    tls_counters c_;
    std::atomic<std::shared_ptr<boost::asio::ssl::context>> ctx_;
};

/// The client's identity from a finished server handshake: the verified certificate's CN or
/// RFC 2253 DN per `mode`; nullopt with mode none, without a certificate, when it did not
/// verify, or (cn) when the subject has no CN.
std::optional<std::string> peer_identity(SSL* ssl, identity_mode mode);

} // namespace runnel::net
