// libFuzzer target: decode a byte stream as 3.1.1 and as 5.0; every packet that decodes must
// re-encode to bytes that decode to the same packet, with encoded_size() agreeing.
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <cstdlib>

using namespace runnel::codec::mqtt;

static void run(std::string_view in, version v) {
    decoder dec;
    dec.set_protocol_version(v);
    std::size_t used = 0, used_again = 0;
    for (decode_step s; (s = dec.next(in, used)), std::holds_alternative<packet>(s);) {
        in.remove_prefix(used);
        const packet& p = std::get<packet>(s);
        const version now = dec.protocol_version(); // CONNECT may have switched it
        const std::string bytes = encode(p, now);
        decoder again;
        again.set_protocol_version(now);
        decode_step s2 = again.next(bytes, used_again);
        const auto* p2 = std::get_if<packet>(&s2);
        if (encoded_size(p, now) != bytes.size() || !p2 || !(*p2 == p) || used_again != bytes.size())
            std::abort();
    }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    run(in, version::v311);
    run(in, version::v5);
    return 0;
}
