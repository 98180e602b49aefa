#pragma once
/// `runnel presence CHANNEL` (here-now) and `runnel presence --client ID` (where-now): one REST
/// query, the server's JSON reply printed on one line (docs/protocol.md, "REST presence").
#include "runnel/client_cli/options.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace runnel::client_cli {

struct presence_args {
    history_options o; // conn (url, token, TLS) and channel; the other fields are unused
    std::string client;
};

void add_presence_command(CLI::App& app, presence_args& a);
/// Exit codes: 0 printed, 1 refused / connection failed, 2 bad flags.
int run_presence(presence_args a);

} // namespace runnel::client_cli
