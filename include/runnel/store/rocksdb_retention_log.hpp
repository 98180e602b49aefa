#pragma once
/// The RocksDB retention log (target runnel_store). The concrete class stays inside src/store;
/// this header is the whole public surface and includes no RocksDB header.
///
///   std::string why;
///   auto log = store::open_rocksdb_log(opts, &why);
///   if (!log) throw std::runtime_error(why);   // errc::data_corrupt or errc::storage_failed
///
/// Errors: errc::data_corrupt when the database (or a record in it) is corrupt; the message
/// names the path and says to set `store.repair: true`. errc::storage_failed otherwise (the
/// directory cannot be created, the database is locked by another process, ...).
#include "runnel/core/error.hpp"
#include "runnel/store/retention_log.hpp"

#include <memory>
#include <string>

namespace runnel::store {

/// Opens (or creates) the log at opts.path and starts its threads. `why`, when given, receives
/// a message for the operator on failure (RocksDB's status text included).
result<std::unique_ptr<retention_log>> open_rocksdb_log(log_options opts, std::string* why = nullptr);

} // namespace runnel::store
