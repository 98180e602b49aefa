#pragma once
/// The `runnel pub`, `runnel sub` and `runnel history` subcommands: register their flags on the application,
/// then run once parsed. docs/cli.md is the reference.
#include "runnel/client_cli/options.hpp"

#include <string>
#include <vector>

namespace CLI { class App; }

namespace runnel::client_cli {

/// Flags as typed; run_* turns them into options (durations, --via, -H) and checks them.
struct common_args {
    std::string via;
    std::string mqtt_version = "5";
    std::string timeout = "10s";
    std::string cipher_key;      // --cipher-key BASE64
    std::string cipher_key_file; // --cipher-key-file PATH
};

struct pub_args {
    pub_options o;
    common_args c;
    std::vector<std::string> headers;
};

struct sub_args {
    sub_options o;
    common_args c;
    std::string duration; // -W
    std::string format = "json";
    std::string clean = "true";
    std::string session_expiry;
};

struct history_args {
    history_options o;
    common_args c;
    std::string since, until; // offset:N[@EPOCH] or tt:T
    std::string order = "newest";
    std::string format = "json";
};

void add_pub_command(CLI::App& app, pub_args& a);
void add_history_command(CLI::App& app, history_args& a);
void add_sub_command(CLI::App& app, sub_args& a);

/// Converts the typed flags into a.o (--via, -V, durations, -H, --format, --clean,
/// --session-expiry); throws usage_error naming the flag.
void finish_args(pub_args& a);
void finish_args(sub_args& a);
/// --since/--until, --order, --format, --timeout.
void finish_args(history_args& a);

/// Exit codes: 0 done, 1 refused / connection failed / dropped / (--cipher-key) nothing
/// decrypted, 2 bad flags.
int run_pub(pub_args a);
int run_sub(sub_args a);
int run_history(history_args a);

} // namespace runnel::client_cli
