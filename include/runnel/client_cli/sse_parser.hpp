#pragma once
/// Sans-I/O reader of a `text/event-stream` body (WHATWG HTML, "Server-sent events", the
/// event stream interpretation): bytes in any chunking in, complete events out. Handles LF,
/// CRLF and CR line ends (also split across chunks), a leading BOM, comments, `event`, `data`
/// (multi-line), `id` (kept across events, as a browser's last event ID), `retry`, and unknown
/// fields (ignored). Holds no socket or clock, so it is unit-tested and fuzzed directly.
/// Affinity: one stream, one thread.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::client_cli {

struct sse_event {
    std::string type = "message"; // `event:`, "message" when absent
    std::string data;              // `data:` lines joined by '\n'
    std::string id;                // the last event ID when the event was dispatched
    bool operator==(const sse_event&) const = default;
};

class sse_parser {
public:
    /// A line (or one event's data) longer than `max_bytes` is an error: the stream is cut.
    explicit sse_parser(std::size_t max_bytes = 16u << 20) : max_bytes_(max_bytes) {}

    /// Appends the events completed by `bytes` to `out`; false once the stream broke a limit
    /// (then nothing more is parsed).
    bool feed(std::string_view bytes, std::vector<sse_event>& out);

    /// The last event ID of the blocks completed so far (what a reconnect sends as
    /// Last-Event-ID); empty when none.
    const std::string& last_event_id() const noexcept { return last_id_; }
    /// The latest valid `retry:` value.
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }

    /// Forgets a partial line and event (a new connection); keeps the last event ID and retry.
    void reset() noexcept;

private:
    bool scan(std::string_view bytes, std::vector<sse_event>& out);
    void line(std::string_view l, std::vector<sse_event>& out);
    void field(std::string_view name, std::string_view value);
    void dispatch(std::vector<sse_event>& out);

    std::size_t max_bytes_;
    std::string head_;         // the first bytes, until a BOM is ruled in or out
    std::string partial_;      // an unfinished line
    bool after_cr_ = false;    // the last byte was CR: a following LF belongs to it
    bool started_ = false;     // past the optional BOM
    bool broken_ = false;
    std::string type_;
    std::string data_;
    bool has_data_ = false;
    std::string id_buffer_;    // `id:` of the event being read
    std::string last_id_;      // set when an event block ends
    std::optional<std::chrono::milliseconds> retry_;
};

} // namespace runnel::client_cli
