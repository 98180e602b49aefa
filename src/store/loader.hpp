#pragma once
/// Reading the whole database at open and at load():
///  - rebuild_channels: chan_meta records, then one scan of `msgs` (keys, headers, and a full
///    decode to find undecodable records) into the channel table. An undecodable record or a
///    Corruption status is errc::data_corrupt, unless opts.repair: then undecodable records are
///    deleted and counted.
///  - load_snapshot: what the broker rebuilds from (retention_log::load).
/// Affinity: the opening thread / the caller of load() (before any commit).
#include "log_core.hpp"

namespace runnel::store {

/// Returns how many undecodable records repair dropped.
result<std::uint64_t> rebuild_channels(log_core& core, std::string& why);

boost::system::error_code load_snapshot(log_core& core, snapshot& out, std::chrono::milliseconds window);

} // namespace runnel::store
