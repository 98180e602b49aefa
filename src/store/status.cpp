#include "status.hpp"

namespace runnel::store {

boost::system::error_code to_error(const rocksdb::Status& s) {
    if (s.ok()) return {};
    if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit) return make_error_code(errc::storage_full);
    if (s.IsCorruption()) return make_error_code(errc::data_corrupt);
    return make_error_code(errc::storage_failed);
}

} // namespace runnel::store
