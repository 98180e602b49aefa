#pragma once
/// End-to-end encryption of payloads for `--cipher-key` (docs/e2e-encryption.md): AES-256-GCM
/// in the runnel v1 envelope
///     0x01 || nonce (12 bytes, random) || ciphertext (as long as the plaintext) || tag (16 bytes)
/// with the version byte as the additional authenticated data, so WebCrypto's
/// `{name: "AES-GCM", iv: nonce, additionalData: [0x01], tagLength: 128}` opens and makes the
/// same bytes. The server only ever sees envelopes; keys stay with the clients.
/// Pure functions over bytes (OpenSSL EVP stays in the .cpp file); safe on any thread.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace runnel::client_cli {

constexpr unsigned char envelope_version = 0x01;
constexpr std::size_t cipher_key_size = 32;
constexpr std::size_t envelope_nonce_size = 12;
constexpr std::size_t envelope_tag_size = 16;
/// Bytes an envelope adds to its plaintext: version, nonce, tag.
constexpr std::size_t envelope_overhead = 1 + envelope_nonce_size + envelope_tag_size;

using envelope_nonce = std::array<unsigned char, envelope_nonce_size>;

/// A 256-bit AES key; wiped from memory when destroyed.
class cipher_key {
public:
    explicit cipher_key(std::span<const unsigned char, cipher_key_size> bytes);
    cipher_key(const cipher_key&) = default;
    cipher_key& operator=(const cipher_key&) = default;
    ~cipher_key();

    const unsigned char* data() const noexcept { return bytes_.data(); }

private:
    std::array<unsigned char, cipher_key_size> bytes_;
};

/// The key from its standard base64 text (32 bytes; surrounding whitespace is ignored). Throws
/// usage_error naming `flag` for anything else.
cipher_key parse_cipher_key(std::string_view base64, std::string_view flag = "--cipher-key");

/// The key from a file holding its base64 text (e.g. `openssl rand -base64 32 > FILE`).
/// Throws usage_error naming --cipher-key-file when the file cannot be read or holds no key.
cipher_key read_cipher_key_file(const std::string& path);

/// `plaintext` sealed in a v1 envelope under a fresh random nonce. Throws failure when the
/// system has no random bytes to give.
std::string seal(const cipher_key& key, std::string_view plaintext);

/// The same with a given nonce: for test vectors only, since a nonce used twice under one key
/// gives away both plaintexts' XOR and the key's authentication.
std::string seal_with_nonce(const cipher_key& key, const envelope_nonce& nonce, std::string_view plaintext);

/// Why an envelope did not open.
enum class open_error {
    not_envelope,          // too short for an envelope, or a version byte other than 0x01
    wrong_key_or_tampered, // the tag does not match: another key, or changed bytes
};

/// "not a runnel v1 envelope" / "wrong key or tampered message".
const char* describe(open_error e) noexcept;

/// The plaintext of an envelope, or why there is none. Never throws on any input.
struct opened {
    std::optional<std::string> plaintext;
    open_error error = open_error::not_envelope; // meaningful when !plaintext
};

opened open_envelope(const cipher_key& key, std::string_view envelope);

} // namespace runnel::client_cli
