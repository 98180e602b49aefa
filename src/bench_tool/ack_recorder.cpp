#include "runnel/bench_tool/ack_recorder.hpp"

#include "runnel/bench_tool/json_frames.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace runnel::bench_tool {

std::string format_ack_line(std::uint32_t publisher, std::uint64_t seq, std::string_view topic, std::uint8_t reason) {
    return fmt::format("{{\"publisher\":{},\"seq\":{},\"topic\":{},\"reason\":{}}}\n", publisher, seq, json_quoted(topic),
                       static_cast<unsigned>(reason));
}

ack_recorder::ack_recorder(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open --record file " + path + ": " + std::strerror(errno));
}

ack_recorder::~ack_recorder() {
    if (fd_ >= 0) ::close(fd_);
}

bool ack_recorder::record(std::uint32_t publisher, std::uint64_t seq, std::string_view topic, std::uint8_t reason) {
    auto line = format_ack_line(publisher, seq, topic, reason);
    std::size_t at = 0;
    while (at < line.size()) {
        auto n = ::write(fd_, line.data() + at, line.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        at += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace runnel::bench_tool
