#pragma once
/// Base64 for tokens and keys (libsodium's codec): url-safe without padding inside JWTs,
/// standard with padding for keys in config.
#include <optional>
#include <string>
#include <string_view>

namespace runnel::auth {

std::string to_base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);
std::string to_base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);

} // namespace runnel::auth
