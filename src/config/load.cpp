#include "runnel/config/load.hpp"

#include "apply_overrides.hpp"
#include "decode.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace runnel::config {
namespace {

constexpr std::string_view embedded_defaults = R"(# Embedded defaults of `runnel serve`; a config file is laid over them.
node:
  name: runnel-1
  region: local
  data_dir: ./data
listeners:
  - {protocol: mqtt, bind: "127.0.0.1:1883"}
  - {protocol: http, bind: "127.0.0.1:8080"}
  - {protocol: admin, bind: "127.0.0.1:9090"}
auth:
  anonymous: {enabled: true, loopback_only: true}
)";

YAML::Node parse(std::string_view text, const std::string& source) {
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp's own guard against a stack overflow (Debian's build stops at 500 nested
        // nodes); its message is only "bad file". No config needs more than a few levels.
        throw config_error(source, "line " + std::to_string(e.mark.line + 1) + ", column " +
                                       std::to_string(e.mark.column + 1) + ": nested more than " +
                                       std::to_string(e.depth()) + " levels deep");
    } catch (const YAML::ParserException& e) {
        throw config_error(source, "line " + std::to_string(e.mark.line + 1) + ", column " +
                                       std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
}

options load_text(std::string_view text, const std::string& source, const overrides& o) {
    YAML::Node tree = detail::merge_defaults(parse(text, source), parse(embedded_defaults, "defaults"));
    for (const auto& s : o.sets) detail::apply_set(tree, s);
    options opts;
    try {
        opts = detail::decode(tree);
    } catch (const YAML::Exception& e) { // the reader checks kinds first; this is a safety net
        throw config_error(source, e.what());
    }
    detail::apply_overrides(opts, o);
    detail::validate(opts);
    return opts;
}

std::string read_file(const std::string& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw config_error(file, "is a directory, expected a YAML file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw config_error(file, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw config_error(file, std::string("cannot read: ") + std::strerror(errno));
    return ss.str();
}

std::string message(const std::string& path, const std::string& what) {
    return path.empty() ? what : path + ": " + what;
}

} // namespace

config_error::config_error(std::string path, std::string what)
    : std::runtime_error(message(path, what)), path_(std::move(path)) {}

std::string_view default_yaml() { return embedded_defaults; }

options load(std::optional<std::string> file, const overrides& o) {
    if (!file) return load_text(embedded_defaults, "defaults", o);
    return load_text(read_file(*file), *file, o);
}

options load_yaml(std::string_view yaml, const overrides& o) { return load_text(yaml, "yaml", o); }

} // namespace runnel::config
