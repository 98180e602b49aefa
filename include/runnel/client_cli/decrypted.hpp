#pragma once
/// What `runnel sub --cipher-key` and `runnel history --cipher-key` print: each received message
/// with its envelope opened (docs/e2e-encryption.md). The JSON line keeps every member the
/// server sent, in order, with `"data"`/`"data_b64"` now the plaintext's (by the server's own
/// payload rule: a JSON text verbatim as `"data"`, anything else as `"data_b64"`). A message
/// that does not open is never printed; the caller notes the problem on stderr.
/// Affinity: pure functions; safe on any thread. Boost.JSON stays in the .cpp file.
#include "runnel/client_cli/cipher.hpp"
#include "runnel/client_cli/output.hpp"

#include <optional>
#include <string>

namespace runnel::client_cli {

struct decrypted {
    std::optional<received> message; // the message to print, when it opened
    /// Otherwise what went wrong, for stderr: `chat/1 offset 42: wrong key or tampered message`
    /// (no offset where the surface has none: MQTT).
    std::string problem;
};

decrypted decrypt_received(const cipher_key& key, const received& m);

} // namespace runnel::client_cli
