#pragma once
/// Data-path errors are values: `runnel::errc` codes in one category, plus coarse conditions so a
/// gateway maps many codes to one protocol reason in one place. Untrusted input never throws.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <system_error>
#include <type_traits>

namespace runnel {

enum class errc {
    ok = 0,
    malformed_packet = 1,
    protocol_error,
    bad_utf8,
    topic_invalid,
    filter_invalid,
    packet_too_large,
    not_authorized,
    bad_credentials,
    quota_exceeded,
    queue_full,
    shutting_down,
    unsupported_protocol,
    client_id_rejected,
    topic_alias_invalid,
    receive_maximum_exceeded,
    session_taken_over,
    keep_alive_timeout,
    server_busy,
    not_found,
    io_error,
    storage_full,   // the retention log's disk (or its configured limit) is full
    storage_failed, // the retention log cannot write (I/O error); it keeps trying to recover
    data_corrupt,   // stored data cannot be read back
};

/// Coarse groups of `errc`, compared with `==` against any code of the group. `storage` covers
/// the retention log's failures: the node is up but cannot accept durable publishes.

enum class condition { protocol = 1, permission, overload, io, storage };

const boost::system::error_category& runnel_category() noexcept;
const boost::system::error_category& runnel_condition_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), runnel_category()};
}
inline boost::system::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), runnel_condition_category()};
}

template <class T>
using result = boost::system::result<T, boost::system::error_code>;

} // namespace runnel

namespace boost::system {
template <> struct is_error_code_enum<runnel::errc> : std::true_type {};
template <> struct is_error_condition_enum<runnel::condition> : std::true_type {};
} // namespace boost::system
