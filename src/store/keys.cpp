#include "keys.hpp"

#include "byte_io.hpp"

namespace runnel::store {

std::string channel_prefix(std::string_view channel) {
    std::string out;
    byte_writer w(out);
    w.u16(static_cast<std::uint16_t>(channel.size()));
    w.raw(channel);
    return out;
}

std::string msg_key(std::string_view channel, std::uint64_t offset) {
    auto out = channel_prefix(channel);
    byte_writer(out).u64(offset);
    return out;
}

std::string channel_end(std::string_view channel) {
    // Every key of the channel is the prefix plus 8 bytes, and no other channel's key starts
    // with the prefix (the length comes first), so prefix + 9 bytes sorts after all of them.
    auto out = channel_prefix(channel);
    out.append(8, '\xff');
    out.push_back('\0');
    return out;
}

std::optional<msg_key_parts> parse_msg_key(std::string_view key) {
    byte_reader r(key);
    auto len = r.u16();
    auto channel = r.raw(len);
    auto offset = r.u64();
    if (r.failed() || r.left() != 0) return std::nullopt;
    return msg_key_parts{channel, offset};
}

std::string msgid_key(std::string_view channel, std::string_view key) {
    auto out = channel_prefix(channel);
    out.append(key);
    return out;
}

std::optional<std::pair<std::string_view, std::string_view>> parse_msgid_key(std::string_view key) {
    byte_reader r(key);
    auto len = r.u16();
    auto channel = r.raw(len);
    if (r.failed()) return std::nullopt;
    return std::pair{channel, r.rest()};
}

std::string session_key(std::string_view client_id) {
    std::string out(1, session_tag);
    out.append(client_id);
    return out;
}

std::string id_prefix(char tag, std::uint64_t durable_id) {
    std::string out(1, tag);
    byte_writer(out).u64(durable_id);
    return out;
}

std::string owed_key(std::uint64_t durable_id, std::uint64_t tt) {
    auto out = id_prefix(owed_tag, durable_id);
    byte_writer(out).u64(tt);
    return out;
}

std::string inbound_key(std::uint64_t durable_id, std::uint16_t packet_id) {
    auto out = id_prefix(inbound_tag, durable_id);
    byte_writer(out).u16(packet_id);
    return out;
}

std::uint64_t read_u64(std::string_view key, std::size_t at) { return byte_reader(key.substr(at)).u64(); }

} // namespace runnel::store
