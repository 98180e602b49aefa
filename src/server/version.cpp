#include "runnel/server/version.hpp"

namespace runnel::server {
const char* version() noexcept { return RUNNEL_VERSION; }
} // namespace runnel::server
