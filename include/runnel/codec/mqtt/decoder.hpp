#pragma once
/// Sans-I/O MQTT decoder: bytes in, one packet (or "need more", or an error) out. It checks
/// everything the wire format decides (fixed-header flags, remaining length, UTF-8, property
/// sets per packet type, duplicate properties, QoS, packet ids, subscription options); what
/// depends on session state (packet before CONNECT, second CONNECT, topic alias range) is the
/// session's job. Holds no socket, timer or logger, so it can be fuzzed directly.
#include "runnel/codec/mqtt/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace runnel::codec::mqtt {

struct decoder_limits {
    /// Largest whole packet (fixed header included) accepted; larger ones fail with
    /// reason::packet_too_large as soon as the fixed header is read, before buffering it.
    std::size_t max_packet_size = 268'435'460;
};

struct need_more {};

struct decode_error {
    std::uint8_t reason_code = reason::malformed_packet; // malformed_packet, protocol_error,
                                                          // packet_too_large, unsupported_protocol_version, ...
    std::string message;                                  // for logs and v5 reason strings
};

using decode_step = std::variant<need_more, packet, decode_error>;

class decoder {
public:
    explicit decoder(decoder_limits lim = {}) : limits_(lim) {}

    /// Decodes the first packet in `in`. On a packet, `consumed` is its length in bytes; on
    /// need_more or an error it is 0. Decoding CONNECT switches the decoder to its version.
    /// After an error the stream is unusable: the caller closes the connection.
    decode_step next(std::string_view in, std::size_t& consumed);

    version protocol_version() const noexcept { return version_; }
    void set_protocol_version(version v) noexcept { version_ = v; }
    void set_max_packet_size(std::size_t n) noexcept { limits_.max_packet_size = n; }

private:
    decoder_limits limits_;
    version version_ = version::v311;
};

} // namespace runnel::codec::mqtt
