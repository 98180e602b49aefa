#pragma once
/// The ways `runnel pub`/`runnel sub` fail. Each carries the one line printed after
/// "runnel pub: " on stderr; the command turns them into exit codes (usage 2, failure 1).
/// They are thrown at startup (flag checks) and caught at the root of the command's coroutine.
#include <stdexcept>

namespace runnel::client_cli {

/// A command line the client cannot act on (exit code 2).
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The connection failed or dropped, or a wait timed out (exit code 1). `runnel sub` over
/// http/sse reconnects after these once it was subscribed.
struct failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The server said no (a refusal code, an error reply or status): trying again would not
/// help, so nothing retries these (exit code 1).
struct refusal : failure {
    using failure::failure;
};

} // namespace runnel::client_cli
