// The RocksDB log's record decoders on arbitrary bytes (house rule 18): none may crash, and a
// message that decodes must re-encode to bytes that decode to the same message.
#include "record_codec.hpp"
#include "keys.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace runnel::store;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const clock_now now{1'700'000'000'000, runnel::core::steady_time{} + std::chrono::hours(1)};
    (void)peek_header(in);
    if (auto m = decode_message(in, now)) {
        auto again = decode_message(encode_message(m->msg, m->deadline_ms, now), now);
        if (!again || again->msg.payload != m->msg.payload || again->msg.topic != m->msg.topic ||
            again->msg.cur != m->msg.cur || again->msg.user_properties != m->msg.user_properties ||
            again->deadline_ms != m->deadline_ms)
            std::abort();
    }
    (void)decode_channel_meta(in);
    (void)decode_session(in);
    (void)decode_owed(in, 1, 2, now);
    (void)decode_idempotency(in);
    (void)parse_msg_key(in);
    (void)parse_msgid_key(in);
    return 0;
}
