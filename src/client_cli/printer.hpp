#pragma once
/// stdout of `runnel sub` and `runnel history`: one line per message in the chosen format,
/// flushed at once so a pipe (`| jq`) sees each message as it arrives; counts them against
/// -n/--count. With a --cipher-key it prints each message decrypted; one that does not open is
/// noted on stderr (channel, offset, why) and skipped: it does not count.
/// Affinity: the subscribing coroutine's thread.
#include "runnel/client_cli/cipher.hpp"
#include "runnel/client_cli/output.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace runnel::client_cli {

class printer {
public:
    /// `command` names the command in notes ("sub", "history").
    printer(output_format f, std::uint64_t count, std::optional<cipher_key> key = std::nullopt,
            const char* command = "sub")
        : format_(f), count_(count), key_(std::move(key)), command_(command) {}

    /// Prints `m` (or notes why it was skipped); true once -n/--count messages were printed
    /// (0 = no limit).
    bool print(const received& m);
    bool done() const noexcept { return count_ != 0 && printed_ >= count_; }

    /// At the end of a run: throws failure when messages came and not one of them decrypted
    /// (the key is almost certainly wrong), so scripts see a nonzero exit.
    void check_decrypted() const;

private:
    output_format format_;
    std::uint64_t count_;
    std::optional<cipher_key> key_;
    const char* command_;
    std::uint64_t printed_ = 0;
    std::uint64_t skipped_ = 0;
};

/// "runnel sub: <text>" on stderr: notes that are not messages (subscribed, resumed, reconnecting).
void note(const std::string& text, const char* command = "sub");

} // namespace runnel::client_cli
