#pragma once
/// The history recorder of `runnel bench produce --record FILE`: one JSON line per
/// acknowledgement the broker sent,
///     {"publisher":0,"seq":12,"topic":"crash/p0","reason":0}
/// (`reason` is the PUBACK reason code; 0x80 and above means refused). A crash test reads the
/// file as the ground truth of what the broker acknowledged, so each line goes to the kernel
/// with its own write(2) before the acknowledgement counts: killing the broker (or the bench)
/// never loses a line that was counted. The file is opened with O_APPEND, so lines from
/// publishers on different threads never interleave; it is truncated when opened (one run,
/// one file).
/// Affinity: record() may be called from any thread.
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::bench_tool {

/// One record line, newline included.
std::string format_ack_line(std::uint32_t publisher, std::uint64_t seq, std::string_view topic, std::uint8_t reason);

class ack_recorder {
public:
    /// Creates or truncates `path`; throws std::runtime_error naming it when it cannot.
    explicit ack_recorder(const std::string& path);
    ~ack_recorder();
    ack_recorder(const ack_recorder&) = delete;
    ack_recorder& operator=(const ack_recorder&) = delete;

    /// Writes one line; false when the write failed (error() says why). A record with holes
    /// would make a crash test's verdict wrong, so the caller stops the run.
    bool record(std::uint32_t publisher, std::uint64_t seq, std::string_view topic, std::uint8_t reason);
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

} // namespace runnel::bench_tool
