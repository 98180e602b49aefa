#pragma once
/// What the RocksDB log knows about each channel in memory: its persisted meta (position and
/// trim floor) plus counters of the messages stored above the floor (count, bytes, first
/// offset and its retention deadline). Rebuilt at open from chan_meta and one scan of `msgs`,
/// updated by the writer after each successful write and by the retention sweep.
///
/// Affinity: any thread (one mutex). Sizes are payload + topic bytes (retention::max_bytes).
#include "record_codec.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::store {

struct channel_entry {
    channel_meta meta;
    std::uint64_t first_offset = 0; // oldest stored message above the floor (0 = none)
    std::int64_t first_deadline_ms = 0;
    std::uint64_t last_stored = 0;  // newest stored message
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
};

class channel_table {
public:
    /// A chan_meta record read at open.
    void put_meta(std::string name, const channel_meta& m);
    /// A message stored (open-time scan, or appended by the writer).
    void add_message(std::string_view name, const record_header& h, std::uint64_t size);
    /// A channel upsert written by the broker. Returns true when the epoch changed (the
    /// channel's offsets start over, so its old messages and floor are gone).
    bool set_position(const channel_state& st);
    /// Would `st` change the epoch of a known channel?
    bool epoch_changes(const channel_state& st) const;
    /// The sweep dropped every message up to `t.floor` (counted in t.count / t.bytes). False
    /// when the channel changed epoch meanwhile (nothing applied).
    struct trim {
        std::uint64_t epoch = 0;
        std::uint64_t floor = 0, floor_tt = 0;
        std::uint64_t count = 0, bytes = 0;
        std::uint64_t next_offset = 0; // the oldest message kept (0 = the scan reached the end)
        std::int64_t next_deadline_ms = 0;
    };
    bool apply_trim(std::string_view name, const trim& t);

    std::optional<channel_entry> find(std::string_view name) const;
    std::vector<std::string> names() const;
    /// chan_meta value for `st` keeping the channel's current floor.
    channel_meta meta_for(const channel_state& st) const;

private:
    mutable std::mutex mutex_; // guards entries_
    std::map<std::string, channel_entry, std::less<>> entries_;
};

} // namespace runnel::store
