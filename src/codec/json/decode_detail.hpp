#pragma once
/// Internals of decode_request: the parsed frame plus field readers that record the first
/// failure. Each reader returns false after recording it, so per-op decoders read as a list
/// of fields. Boost.JSON is visible here only, never in include/.
#include "runnel/codec/json/raw_values.hpp"
#include "runnel/codec/json/request.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::codec::json::detail {

namespace bj = boost::json;

/// One request object being decoded. `raw` holds each member's value text, in the object's
/// order (the frame has no duplicate keys, so it lines up with `obj`).
class frame_fields {
public:
    frame_fields(const bj::object& obj, std::span<const std::string_view> raw, const limits& lim)
        : obj_(obj), raw_(raw), lim_(lim) {}

    const bj::value* find(std::string_view key) const;
    /// The value of `key` exactly as written in the frame; `key` must be present.
    std::string_view raw(std::string_view key) const;
    const limits& lim() const noexcept { return lim_; }

    /// Records the failure (the first one wins) and returns false.
    bool fail(std::uint16_t code, std::string message);
    std::optional<request_error>& error() noexcept { return error_; }

private:
    const bj::object& obj_;
    std::span<const std::string_view> raw_;
    const limits& lim_;
    std::optional<request_error> error_;
};

// Field readers. "opt" readers leave `out` alone when the key is absent.
bool need_string(frame_fields& f, std::string_view key, std::size_t max_bytes, std::string& out);
bool opt_string(frame_fields& f, std::string_view key, std::size_t max_bytes,
                std::optional<std::string>& out);
bool opt_uint(frame_fields& f, std::string_view key, std::uint64_t min, std::uint64_t max,
              std::optional<std::uint64_t>& out);
bool opt_bool(frame_fields& f, std::string_view key, std::optional<bool>& out);
/// A channel to publish to or read from: no wildcards (422 when invalid).
bool need_channel_name(frame_fields& f, std::string& out);
/// A channel filter: wildcards and `$share/{group}/` allowed (422 when invalid).
bool need_channel_filter(frame_fields& f, std::string& out);
/// "channel" of a presence read or state: a channel name or a wildcard filter (a wildcard
/// subscription's presence channel is the filter itself), not a `$share` subscription.
bool need_presence_channel(frame_fields& f, std::string& out);
/// `{"offset": N, "epoch": "E"}` or `{"tt": "T"}`; `epoch_optional`: `{"offset": N}` too.
bool opt_position(frame_fields& f, std::string_view key, std::optional<position>& out,
                  bool epoch_optional = false);
bool opt_headers(frame_fields& f, headers& out);

// Per-op decoders (decode_commands.cpp).
bool decode_connect(frame_fields& f, command& out);
bool decode_subscribe(frame_fields& f, command& out);
bool decode_unsubscribe(frame_fields& f, command& out);
bool decode_publish(frame_fields& f, command& out);
bool decode_ping(frame_fields& f, command& out);
bool decode_history(frame_fields& f, command& out);
bool decode_presence(frame_fields& f, command& out);
bool decode_state(frame_fields& f, command& out);
bool decode_refresh(frame_fields& f, command& out);

} // namespace runnel::codec::json::detail
