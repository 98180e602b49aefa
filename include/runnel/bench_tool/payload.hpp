#pragma once
/// The bench message payload: a fixed header (magic, publisher id, sequence number, send time)
/// followed by padding up to the requested size. Subscribers decode the header to count lost,
/// duplicated and reordered messages and to measure end-to-end latency. Publishers and
/// subscribers run in one process, so the send time is a steady-clock reading both can compare.
/// Pure functions; no I/O.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::bench_tool {

struct payload_header {
    std::uint32_t publisher = 0;
    std::uint64_t seq = 0;
    std::int64_t sent_ns = 0; // steady clock, nanoseconds since its epoch
    bool operator==(const payload_header&) const = default;
};

/// A steady-clock reading as payload_header::sent_ns.
inline std::int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Bytes the header takes: 4 magic + 4 publisher + 8 sequence + 8 timestamp (little endian).
inline constexpr std::size_t payload_header_size = 24;

/// Writes `h` into the first payload_header_size bytes of `out` and resizes `out` to `size`
/// (at least payload_header_size), padding with 'x'. Reuses `out`'s capacity.
void encode_payload(const payload_header& h, std::size_t size, std::string& out);

inline std::string encode_payload(const payload_header& h, std::size_t size) {
    std::string out;
    encode_payload(h, size, out);
    return out;
}

/// The header of a bench payload, or nullopt for anything else (too short, wrong magic).
std::optional<payload_header> decode_payload(std::string_view in);

} // namespace runnel::bench_tool
