#pragma once
/// Key layouts of the RocksDB column families (all integers big-endian, so byte order is
/// numeric order):
///   msgs       u16 len | channel | u64 offset
///   msgid_idx  u16 len | channel | key
///   sessions   's' | client id            session record
///              'o' | u64 durable id | u64 tt   owed message (tt order within a session)
///              'i' | u64 durable id | u16 packet id   inbound QoS 2 id (empty value)
///   chan_meta, retained, kv: the channel / topic / key itself.
/// Affinity: none (pure functions).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::store {

/// Channels longer than this cannot be stored (MQTT topics are at most 65535 bytes anyway).
constexpr std::size_t max_channel_size = 0xffff;

std::string channel_prefix(std::string_view channel);
std::string msg_key(std::string_view channel, std::uint64_t offset);
/// The first key after every message of `channel`.
std::string channel_end(std::string_view channel);

struct msg_key_parts {
    std::string_view channel;
    std::uint64_t offset = 0;
};
std::optional<msg_key_parts> parse_msg_key(std::string_view key);

std::string msgid_key(std::string_view channel, std::string_view key);
/// channel, key
std::optional<std::pair<std::string_view, std::string_view>> parse_msgid_key(std::string_view key);

constexpr char session_tag = 's';
constexpr char owed_tag = 'o';
constexpr char inbound_tag = 'i';
std::string session_key(std::string_view client_id);
std::string owed_key(std::uint64_t durable_id, std::uint64_t tt);
std::string inbound_key(std::uint64_t durable_id, std::uint16_t packet_id);
/// The range [begin, end) of a session's owed (or inbound) keys.
std::string id_prefix(char tag, std::uint64_t durable_id);

/// Reads the big-endian u64 at `at` in `key` (caller checked the size).
std::uint64_t read_u64(std::string_view key, std::size_t at);

} // namespace runnel::store
