#pragma once
/// `runnel presence CHANNEL` (here-now), `runnel presence --client ID` (where-now) and
/// `runnel presence CHANNEL --state [--set-state JSON] [--client ID]` (a member's state): one
/// REST request, the server's JSON reply printed on one line (docs/protocol.md, "REST presence").
#include "runnel/client_cli/options.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace runnel::client_cli {

struct presence_args {
    history_options o; // conn (url, token, TLS) and channel; the other fields are unused
    std::string client;
    bool state = false;       // read the member's state in CHANNEL
    std::string set_state;    // set it (a JSON object)
    bool leave = false;       // the member's long-polls and SSE streams leave CHANNEL
};

void add_presence_command(CLI::App& app, presence_args& a);
/// Exit codes: 0 printed, 1 refused / connection failed, 2 bad flags.
int run_presence(presence_args a);

} // namespace runnel::client_cli
