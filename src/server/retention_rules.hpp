#pragma once
// The channel -> retention resolver the broker and the log share, from the `retention:` rules.
#include "runnel/config/options.hpp"
#include "runnel/store/retention_log.hpp"

namespace runnel::server {

/// The first rule whose `match` filter matches the channel wins; no matching rule means 24 h
/// with no count or size limit.
/// `$SYS/...` is never stored (the server rewrites it every interval). Thread-safe, pure.
store::retention_fn retention_rules(std::vector<config::retention_rule> rules);

/// The log's options from the node's (data in `{data_dir}/store`).
store::log_options log_options(const config::options& o, store::retention_fn retention_of);

} // namespace runnel::server
