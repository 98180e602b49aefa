#pragma once
/// Answers a read_query from `msgs`. Offset bounds become key bounds; a tt bound becomes an
/// offset bound by binary search over Seek (tt grows with offset inside a channel, and Seek
/// lands on the next stored key, so gaps do not matter): O(log n) seeks, no extra index.
/// Then one forward or reverse scan fills the page (limit, max_bytes, at least one message).
/// Messages below the channel's trim floor or past their retention deadline are never
/// returned, even before compaction removed them; the newest such one is reported in
/// trimmed_offset / trimmed_tt.
/// Affinity: any thread (reads a RocksDB iterator and the channel table).
#include "log_core.hpp"

namespace runnel::store {

result<read_page> read_history(const log_core& core, const read_query& q);

} // namespace runnel::store
