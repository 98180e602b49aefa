#pragma once
/// Listener addresses as written in YAML `bind:` and the ADDR flags: "host:port",
/// "[v6]:port", ":port" (all IPv4 interfaces). Port 0 asks the OS for a free port.
/// Affinity: none (pure functions).
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::config::detail {

struct address {
    std::string host;
    std::uint16_t port = 0;
};

/// Parses `text`; throws config_error(path, ...) saying what was expected.
address parse_address(std::string_view text, const std::string& path);

/// The inverse of parse_address: brackets IPv6 hosts.
std::string format_address(std::string_view host, std::uint16_t port);

} // namespace runnel::config::detail
