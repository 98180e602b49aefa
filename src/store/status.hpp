#pragma once
/// rocksdb::Status -> runnel::errc, at the boundary of the RocksDB log: NoSpace (disk full or
/// SstFileManager's max allowed space) -> storage_full; Corruption -> data_corrupt; anything
/// else -> storage_failed. The status text goes to logs and failure().
#include "runnel/core/error.hpp"

#include <rocksdb/status.h>

namespace runnel::store {

boost::system::error_code to_error(const rocksdb::Status& s);

} // namespace runnel::store
