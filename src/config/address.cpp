#include "address.hpp"

#include "runnel/config/load.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace runnel::config::detail {
namespace {

constexpr std::string_view expected = "expected host:port, [ipv6]:port or :port, got ";

std::uint16_t parse_port(std::string_view text, std::string_view whole, const std::string& path) {
    const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!digits) throw config_error(path, std::string(expected) + "\"" + std::string(whole) + "\"");
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || v > 65535) {
        throw config_error(path, "port must be 0..65535, got " + std::string(text));
    }
    return static_cast<std::uint16_t>(v);
}

bool valid_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' ||
           c == ':' || c == '%';
}

} // namespace

address parse_address(std::string_view text, const std::string& path) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    address a;
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            throw config_error(path, std::string(expected) + quoted);
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (host.empty() || host.find(':') == std::string_view::npos) {
            throw config_error(path, "brackets are for IPv6 addresses, got " + quoted);
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) throw config_error(path, std::string(expected) + quoted);
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            throw config_error(path, "IPv6 addresses need brackets, like [::1]:1883, got " + quoted);
        }
        if (host.empty()) host = "0.0.0.0";
    }
    if (!std::all_of(host.begin(), host.end(), valid_host_char)) {
        throw config_error(path, "invalid host in " + quoted);
    }
    a.host = std::string(host);
    a.port = parse_port(port, text, path);
    return a;
}

std::string format_address(std::string_view host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string_view::npos;
    std::string out = v6 ? "[" + std::string(host) + "]" : std::string(host);
    return out + ":" + std::to_string(port);
}

} // namespace runnel::config::detail
