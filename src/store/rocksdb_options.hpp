#pragma once
/// Internal knobs of the RocksDB log that are not configuration: test hooks (a fault-injecting
/// Env) and thresholds tests shrink. Private to src/store and its tests; not in the public API.
#include <cstdint>

namespace rocksdb {
class Env;
}

namespace runnel::store {

struct rocksdb_internals {
    rocksdb::Env* env = nullptr;                          // null = rocksdb::Env::Default()
    std::uint64_t compact_after_bytes = std::uint64_t{64} << 20; // sweep drops this much -> CompactRange
    unsigned reader_threads = 2;
};

} // namespace runnel::store
