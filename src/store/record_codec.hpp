#pragma once
/// The values the RocksDB log stores, as versioned binary records (sans-I/O: bytes and "now" in,
/// values or errc::data_corrupt out; never throws, never crashes on bad bytes).
///
/// Message record, version 1 (also the value of `retained` and inside owed records):
///   u8 version | u64 deadline_ms | u32 payload_len | u64 offset | u64 epoch | u64 tt   (header)
///   u8 qos | u8 flags | [u8 payload_format] | [str content_type] | [str response_topic]
///   | [str correlation_data] | varint n, n x (str name, str value) | [u64 expiry_unix_ms]
///   | str topic | str origin_client | payload (payload_len bytes, the rest)
/// Integers are big-endian, str = varint length + bytes. The fixed header lets the compaction
/// filter and the open-time scan read the deadline, size and tt without decoding the rest.
/// deadline_ms is the retention deadline in Unix ms (0 = never). MQTT message expiry is a
/// steady_clock time in memory and Unix ms on disk: `clock_now` converts at the boundary.
/// Affinity: none (pure functions).
#include "runnel/core/error.hpp"
#include "runnel/core/message.hpp"
#include "runnel/store/retention_log.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::store {

/// Both clocks read at one moment, to convert steady times to Unix ms and back.
struct clock_now {
    std::int64_t unix_ms = 0;
    core::steady_time steady{};
    static clock_now read();
};

struct record_header {
    std::int64_t deadline_ms = 0;
    std::uint32_t payload_len = 0;
    std::uint64_t offset = 0;
    std::uint64_t epoch = 0;
    std::uint64_t tt = 0;
};
constexpr std::size_t record_header_size = 1 + 8 + 4 + 8 + 8 + 8;

struct message_record {
    core::message msg;
    std::int64_t deadline_ms = 0;
};

std::string encode_message(const core::message& m, std::int64_t deadline_ms, const clock_now& now);
result<message_record> decode_message(std::string_view in, const clock_now& now);
/// Reads only the fixed header (cheap; for filters and scans).
result<record_header> peek_header(std::string_view in);

/// chan_meta value: the channel's position and its trim floor.
struct channel_meta {
    std::uint64_t epoch = 0;
    std::uint64_t last_offset = 0;
    std::uint64_t last_tt = 0;
    std::uint64_t trimmed_offset = 0;
    std::uint64_t trimmed_tt = 0;
    bool operator==(const channel_meta&) const = default;
};
std::string encode_channel_meta(const channel_meta& m);
result<channel_meta> decode_channel_meta(std::string_view in);

std::string encode_session(const session_record& s);
result<session_record> decode_session(std::string_view in);

/// Owed message value (durable_id and tt are in the key).
std::string encode_owed(const owed_message& o, const clock_now& now);
result<owed_message> decode_owed(std::string_view in, std::uint64_t durable_id, std::uint64_t tt,
                                 const clock_now& now);

/// msgid_idx value: the cursor the publish got and when (channel and key are in the key).
struct idempotency_value {
    core::cursor cur;
    std::int64_t at_ms = 0;
};
std::string encode_idempotency(const idempotency_value& v);
result<idempotency_value> decode_idempotency(std::string_view in);

} // namespace runnel::store
