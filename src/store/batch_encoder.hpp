#pragma once
/// Turns the broker's write_batch into RocksDB operations (keys.hpp layouts, record_codec.hpp
/// values) and notes what the channel table must learn once the write succeeded.
/// Messages of channels with retention.store == false are skipped (never written), as are
/// unstamped ones and channels longer than 65535 bytes.
/// Affinity: the writer thread.
#include "channel_table.hpp"
#include "db_handle.hpp"

#include <rocksdb/write_batch.h>

#include <map>

namespace runnel::store {

/// Accumulates over one drain (several write_batches in one rocksdb::WriteBatch).
struct drain_state {
    struct append {
        std::string channel;
        record_header h;
        std::uint64_t size = 0;
    };
    std::vector<append> appends;
    std::vector<channel_state> states;
    std::map<std::string, std::uint64_t, std::less<>> session_ids; // client id -> durable id put in this drain
    std::uint64_t messages = 0;
    std::uint64_t skipped = 0; // ephemeral (store=false) or unstorable
};

class batch_encoder {
public:
    batch_encoder(const db_handle& db, const channel_table& table, const retention_fn& retention_of)
        : db_(db), table_(table), retention_of_(retention_of) {}

    void add(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st, const clock_now& now) const;

private:
    void add_messages(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st, const clock_now& now) const;
    void add_sessions(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st, const clock_now& now) const;
    /// The durable id of the stored session record of `client` (0 = none).
    std::uint64_t current_durable_id(const std::string& client, const drain_state& st) const;

    const db_handle& db_;
    const channel_table& table_;
    const retention_fn& retention_of_;
};

} // namespace runnel::store
