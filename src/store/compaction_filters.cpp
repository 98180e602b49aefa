#include "compaction_filters.hpp"

#include "record_codec.hpp"

#include <chrono>

namespace runnel::store {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

constexpr std::int64_t safety_margin_ms = 24LL * 3600 * 1000;

} // namespace

bool message_expiry_filter::Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*,
                                   bool*) const {
    auto h = peek_header({value.data(), value.size()});
    return h && h->deadline_ms != 0 && h->deadline_ms < now_ms();
}

bool idempotency_expiry_filter::Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*,
                                       bool*) const {
    auto v = decode_idempotency({value.data(), value.size()});
    return v && v->at_ms + safety_margin_ms < now_ms();
}

} // namespace runnel::store
