#include "runnel/bench_tool/payload.hpp"

#include <cstring>

namespace runnel::bench_tool {
namespace {

constexpr char magic[4] = {'r', 'n', 'b', '1'};

template <class T>
void put_le(char* at, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) at[i] = static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xFF);
}

template <class T>
T get_le(const char* at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t{static_cast<unsigned char>(at[i])} << (8 * i);
    return static_cast<T>(v);
}

} // namespace

void encode_payload(const payload_header& h, std::size_t size, std::string& out) {
    if (size < payload_header_size) size = payload_header_size;
    // Same size as last time: the padding is already there, only the header is rewritten.
    if (out.size() != size) out.assign(size, 'x');
    char* p = out.data();
    std::memcpy(p, magic, sizeof magic);
    put_le<std::uint32_t>(p + 4, h.publisher);
    put_le<std::uint64_t>(p + 8, h.seq);
    put_le<std::int64_t>(p + 16, h.sent_ns);
}

std::optional<payload_header> decode_payload(std::string_view in) {
    if (in.size() < payload_header_size || std::memcmp(in.data(), magic, sizeof magic) != 0) return std::nullopt;
    const char* p = in.data();
    return payload_header{get_le<std::uint32_t>(p + 4), get_le<std::uint64_t>(p + 8), get_le<std::int64_t>(p + 16)};
}

} // namespace runnel::bench_tool
