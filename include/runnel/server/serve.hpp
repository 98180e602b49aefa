#pragma once
/// The `runnel serve` subcommand: its flags and its run function.
#include "runnel/config/load.hpp"

#include <optional>
#include <string>

namespace CLI { class App; }

namespace runnel::server {

struct serve_args {
    std::optional<std::string> config_file;
    config::overrides o;
    bool print_config = false;
};

void add_serve_command(CLI::App& app, serve_args& a);
/// Exit code: 0 after a clean stop, 1 when the node cannot start, 2 for a config error.
int run_serve(const serve_args& a);

} // namespace runnel::server
