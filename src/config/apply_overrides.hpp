#pragma once
/// Command-line flags of `runnel serve` applied to decoded options: --data-dir, --node-name,
/// --workers, and the listener flags, each of which replaces every listener of its kind.
/// Affinity: none (pure function on its argument).
#include "runnel/config/load.hpp"

namespace runnel::config::detail {

/// Throws config_error with the flag as path ("--mqtt-tls", "--tls-cert", ...).
void apply_overrides(options& opts, const overrides& o);

} // namespace runnel::config::detail
