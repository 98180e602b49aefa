// AES-256-GCM through OpenSSL EVP (software or AES-NI, whatever the CPU has). GCM is a stream
// mode: ciphertext and plaintext have the same length, and the 16-byte tag covers the AAD (the
// version byte) and the ciphertext.
#include "runnel/client_cli/cipher.hpp"

#include "runnel/client_cli/errors.hpp"
#include "runnel/codec/json/text.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace runnel::client_cli {

namespace {

struct ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

// EVP lengths are ints: longer inputs go through in pieces.
constexpr std::size_t max_piece = std::size_t(1) << 30;

/// OpenSSL failing to set up AES-GCM is the environment, not the input: a failure (exit 1).
[[noreturn]] void openssl_failed(const char* what) {
    char text[256] = "no detail";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, text, sizeof text);
    ERR_clear_error();
    throw failure(std::string("AES-256-GCM ") + what + " failed in OpenSSL: " + text);
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

/// A context keyed for `encrypt` (or decrypt) with `nonce`, the AAD already fed in.
ctx_ptr start(const cipher_key& key, const unsigned char* nonce, bool encrypt) {
    ctx_ptr c(EVP_CIPHER_CTX_new());
    const int enc = encrypt ? 1 : 0;
    int n = 0;
    const unsigned char aad = envelope_version;
    bool ok = c && EVP_CipherInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) == 1 &&
              EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, int(envelope_nonce_size), nullptr) == 1 &&
              EVP_CipherInit_ex(c.get(), nullptr, nullptr, key.data(), nonce, enc) == 1 &&
              EVP_CipherUpdate(c.get(), nullptr, &n, &aad, 1) == 1;
    if (!ok) openssl_failed(encrypt ? "encryption setup" : "decryption setup");
    return c;
}

/// Runs `in` through the context into `out` (same length).
bool update(EVP_CIPHER_CTX* c, const unsigned char* in, std::size_t size, unsigned char* out) {
    for (std::size_t done = 0; done < size;) {
        int n = 0;
        const int piece = int(std::min(size - done, max_piece));
        if (EVP_CipherUpdate(c, out + done, &n, in + done, piece) != 1 || n != piece) return false;
        done += std::size_t(n);
    }
    return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

} // namespace

cipher_key::cipher_key(std::span<const unsigned char, cipher_key_size> bytes) {
    std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

cipher_key::~cipher_key() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

cipher_key parse_cipher_key(std::string_view base64, std::string_view flag) {
    while (!base64.empty() && is_space(base64.front())) base64.remove_prefix(1);
    while (!base64.empty() && is_space(base64.back())) base64.remove_suffix(1);
    // The key is never echoed: error messages end up in logs and terminals.
    const std::string wants = std::string(flag) + ": wants the standard base64 of 32 random bytes "
                                                  "(e.g. from `openssl rand -base64 32`), got ";
    std::string raw;
    if (base64.empty()) throw usage_error(wants + "nothing");
    if (!codec::json::decode_base64(base64, raw)) {
        OPENSSL_cleanse(raw.data(), raw.size());
        throw usage_error(wants + "text that is not base64");
    }
    if (raw.size() != cipher_key_size) {
        OPENSSL_cleanse(raw.data(), raw.size());
        throw usage_error(wants + std::to_string(raw.size()) + " bytes");
    }
    cipher_key k(std::span<const unsigned char, cipher_key_size>(bytes(raw), cipher_key_size));
    OPENSSL_cleanse(raw.data(), raw.size());
    return k;
}

cipher_key read_cipher_key_file(const std::string& path) {
    const std::string flag = "--cipher-key-file " + path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw usage_error(flag + ": cannot open: " + std::strerror(errno));
    char buf[512]; // a base64 key is 44 characters; more than this is not a key file
    std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
    const bool failed = std::ferror(f.get()) != 0;
    std::string_view text(buf, n);
    auto wipe = [&] { OPENSSL_cleanse(buf, sizeof buf); };
    if (failed) {
        wipe();
        throw usage_error(flag + ": cannot read: " + std::strerror(errno));
    }
    if (n == sizeof buf) {
        wipe();
        throw usage_error(flag + ": too long for a key file (a key is 44 base64 characters)");
    }
    try {
        auto k = parse_cipher_key(text, flag);
        wipe();
        return k;
    } catch (...) {
        wipe();
        throw;
    }
}

std::string seal(const cipher_key& key, std::string_view plaintext) {
    envelope_nonce nonce;
    if (RAND_bytes(nonce.data(), int(nonce.size())) != 1) openssl_failed("nonce (RAND_bytes)");
    return seal_with_nonce(key, nonce, plaintext);
}

std::string seal_with_nonce(const cipher_key& key, const envelope_nonce& nonce, std::string_view plaintext) {
    std::string out(envelope_overhead + plaintext.size(), '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    o[0] = envelope_version;
    std::copy(nonce.begin(), nonce.end(), o + 1);
    unsigned char* ciphertext = o + 1 + envelope_nonce_size;
    unsigned char* tag = ciphertext + plaintext.size();
    auto c = start(key, nonce.data(), true);
    int n = 0;
    bool ok = update(c.get(), bytes(plaintext), plaintext.size(), ciphertext) &&
              EVP_CipherFinal_ex(c.get(), tag, &n) == 1 && n == 0 &&
              EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, int(envelope_tag_size), tag) == 1;
    if (!ok) openssl_failed("encryption");
    return out;
}

const char* describe(open_error e) noexcept {
    switch (e) {
    case open_error::not_envelope: return "not a runnel v1 envelope";
    case open_error::wrong_key_or_tampered: return "wrong key or tampered message";
    }
    return "unknown error";
}

opened open_envelope(const cipher_key& key, std::string_view envelope) {
    if (envelope.size() < envelope_overhead || bytes(envelope)[0] != envelope_version) return {};
    const unsigned char* nonce = bytes(envelope) + 1;
    const unsigned char* ciphertext = nonce + envelope_nonce_size;
    const std::size_t size = envelope.size() - envelope_overhead;
    // EVP_CTRL_GCM_SET_TAG takes a non-const pointer: hand it a copy.
    std::array<unsigned char, envelope_tag_size> tag;
    std::copy(ciphertext + size, ciphertext + size + envelope_tag_size, tag.begin());
    auto c = start(key, nonce, false);
    std::string plain(size, '\0');
    auto* p = reinterpret_cast<unsigned char*>(plain.data());
    if (!update(c.get(), ciphertext, size, p) ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, int(tag.size()), tag.data()) != 1)
        openssl_failed("decryption");
    int n = 0;
    if (EVP_CipherFinal_ex(c.get(), p + size, &n) != 1) {
        ERR_clear_error();
        OPENSSL_cleanse(plain.data(), plain.size()); // unauthenticated bytes are never handed out
        return {std::nullopt, open_error::wrong_key_or_tampered};
    }
    return {std::move(plain), open_error::not_envelope};
}

} // namespace runnel::client_cli
