#pragma once
/// Loading the configuration: YAML file (or the embedded defaults), then `--set` edits on the
/// YAML tree, then decoding with validation, then the command-line flags. Every problem is a
/// config_error naming the key path; `main` turns it into exit code 2.
/// Affinity: startup only, any thread. yaml-cpp stays behind this header.
#include "runnel/config/options.hpp"
#include "runnel/core/error.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::config {

/// Thrown only while loading; message starts with the key path, e.g.
/// "listeners.1.bind: port must be 0..65535, got 70000". main maps it to exit code 2.
class config_error : public std::runtime_error {
public:
    config_error(std::string path, std::string what);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// What `runnel serve` flags ask for; every field is optional.
struct overrides {
    std::optional<std::string> data_dir, node_name;
    std::vector<std::string> mqtt, mqtt_tls, http, https, admin; // ADDR "host:port", "[::1]:port", ":port"
    std::optional<std::string> tls_cert, tls_key;
    std::vector<std::string> sets; // "key.path=value"
    std::optional<unsigned> workers;
};

/// The embedded default configuration (no file): listeners mqtt 127.0.0.1:1883, http
/// 127.0.0.1:8080, admin 127.0.0.1:9090; anonymous on loopback only.
std::string_view default_yaml();

/// file == nullopt -> default_yaml(). A file is laid over the defaults: maps merge key by key,
/// lists (listeners, users) replace the default list.
options load(std::optional<std::string> file, const overrides& o);
/// Same as load() on YAML text (for tests).
options load_yaml(std::string_view yaml, const overrides& o);
/// Effective config dump (for `runnel serve --print-config`); load_yaml(to_yaml(x), {}) == x.
std::string to_yaml(const options& opts);

/// Duration "500ms" "15s" "1h" "7d" "1m" (minutes), compounds like "1h30m", or plain integer
/// seconds. Errors: invalid_argument, value_too_large.
result<std::chrono::milliseconds> parse_duration(std::string_view text);
/// Size "1024" "64KiB" "1MiB" "1GiB" "64KB" (=64000) "1MB"; units are case-insensitive.
/// Errors: invalid_argument, value_too_large.
result<std::size_t> parse_size(std::string_view text);

} // namespace runnel::config
