#pragma once
/// Compaction filters: how expired data leaves the disk without a tombstone per message.
///  - msgs: drops a record whose retention deadline (fixed header, no full decode) has passed.
///  - msgid_idx: drops an idempotency entry a day after its publish (a safety margin well past
///    any idempotency window; load() skips entries older than the window anyway).
/// Both are stateless and cheap, so RocksDB may call them from any compaction thread at once.
/// Undecodable values are kept: a filter never destroys what it cannot read.
#include <rocksdb/compaction_filter.h>

namespace runnel::store {

class message_expiry_filter final : public rocksdb::CompactionFilter {
public:
    bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& value, std::string* new_value,
                bool* value_changed) const override;
    const char* Name() const override { return "runnel.message_expiry"; }
};

class idempotency_expiry_filter final : public rocksdb::CompactionFilter {
public:
    bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& value, std::string* new_value,
                bool* value_changed) const override;
    const char* Name() const override { return "runnel.idempotency_expiry"; }
};

} // namespace runnel::store
