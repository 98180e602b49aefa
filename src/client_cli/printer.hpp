#pragma once
/// stdout of `runnel sub`: one line per message in the chosen format, flushed at once so a
/// pipe (`| jq`) sees each message as it arrives; counts them against -n/--count.
/// Affinity: the subscribing coroutine's thread.
#include "runnel/client_cli/output.hpp"

#include <cstdint>
#include <string>

namespace runnel::client_cli {

class printer {
public:
    printer(output_format f, std::uint64_t count) : format_(f), count_(count) {}

    /// Prints `m`; true once -n/--count messages were printed (0 = no limit).
    bool print(const received& m);
    bool done() const noexcept { return count_ != 0 && printed_ >= count_; }

private:
    output_format format_;
    std::uint64_t count_;
    std::uint64_t printed_ = 0;
};

/// "runnel sub: <text>" on stderr: notes that are not messages (subscribed, resumed, reconnecting).
void note(const std::string& text, const char* command = "sub");

} // namespace runnel::client_cli
