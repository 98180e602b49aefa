#pragma once
/// The messages `runnel pub` sends: the MESSAGE argument, a file's bytes, all of stdin as one
/// message, or (-l) each line of stdin as it arrives. Bytes are kept exactly; -l drops the line
/// end ("\n") and skips empty lines, as mosquitto_pub -l does.
/// Affinity: the command's main thread (it may block on stdin).
#include "runnel/client_cli/options.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace runnel::client_cli {

class payload_source {
public:
    /// Reads the argument, the file or all of stdin now (not for -l); throws failure when the
    /// file or stdin cannot be read.
    explicit payload_source(const pub_options& o);

    /// The next message; nullopt when there are no more.
    std::optional<std::string> next();

private:
    std::optional<std::string> one_; // the single message, until taken
    bool lines_ = false;
};

/// All bytes of `f` (stdin or a file); throws failure naming `what` on a read error.
std::string read_all(std::FILE* f, const std::string& what);

} // namespace runnel::client_cli
