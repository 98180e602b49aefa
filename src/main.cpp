// runnel: one binary for the server and its tools.
#include "runnel/bench_tool/bench_command.hpp"
#include "runnel/client_cli/commands.hpp"
#include "runnel/client_cli/presence_command.hpp"
#include "runnel/client_cli/token_command.hpp"
#include "runnel/server/serve.hpp"
#include "runnel/server/version.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Runnel: a pub/sub data stream network (MQTT 3.1.1/5, WebSocket, HTTP)"};
    app.require_subcommand(1);
    runnel::server::serve_args serve;
    runnel::server::add_serve_command(app, serve);
    runnel::bench_tool::bench_args bench;
    runnel::bench_tool::add_bench_command(app, bench);
    runnel::client_cli::pub_args pub;
    runnel::client_cli::add_pub_command(app, pub);
    runnel::client_cli::sub_args sub;
    runnel::client_cli::add_sub_command(app, sub);
    runnel::client_cli::history_args history;
    runnel::client_cli::add_history_command(app, history);
    runnel::client_cli::presence_args presence;
    runnel::client_cli::add_presence_command(app, presence);
    runnel::client_cli::token_args token;
    runnel::client_cli::add_token_command(app, token);
    app.add_subcommand("version", "Print the version")->callback([] { std::cout << "runnel " << runnel::server::version() << "\n"; });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (app.got_subcommand("serve")) return runnel::server::run_serve(serve);
    if (app.got_subcommand("bench")) return runnel::bench_tool::run_bench(bench);
    if (app.got_subcommand("pub")) return runnel::client_cli::run_pub(pub);
    if (app.got_subcommand("sub")) return runnel::client_cli::run_sub(sub);
    if (app.got_subcommand("history")) return runnel::client_cli::run_history(history);
    if (app.got_subcommand("presence")) return runnel::client_cli::run_presence(presence);
    if (app.got_subcommand("token")) return runnel::client_cli::run_token(app, token);
    return 0;
}
