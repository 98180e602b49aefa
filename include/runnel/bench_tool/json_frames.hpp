#pragma once
/// The JSON protocol as the bench speaks it (docs/protocol.md, "JSON protocol over WebSocket"):
/// the two requests it sends (subscribe, publish) and a scanner for the frames that come back
/// (replies and message pushes).
///
/// The scanner walks the top-level object once, without a value tree and without allocating:
/// it returns views into the frame. It checks what it walks (strings, bracket nesting, the
/// separators between top-level members) but not number syntax or UTF-8, and member names are
/// compared as written (a name spelled with escapes is not recognized). Members it does not use
/// (offset, epoch, tt, from, headers, and whatever a newer server adds) are skipped, in any order.
/// Pure functions; no I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::bench_tool {

struct json_frame {
    enum class kind {
        invalid, // not one JSON object, as far as the scanner walked
        reply,   // has "id" and "ok"
        message, // "op":"message"
        other,   // an object that is neither
    };
    kind what = kind::invalid;
    std::string_view id;            // reply: the raw JSON text of "id" (7, "a")
    bool ok = false;                // reply: "ok"
    int error_code = 0;             // reply: "error"."code" (0 when absent)
    std::string_view error_message; // reply: "error"."message", contents as written
    std::string_view channel;       // message: "channel", contents as written
    std::string_view data;          // message: the raw JSON text of "data" (the payload, verbatim)
    std::string_view data_b64;      // message: "data_b64", contents as written
};

/// Scans one text frame.
json_frame scan_json_frame(std::string_view text);

/// The first bytes of a push's payload, at least `at_least` of them when the payload is that
/// long: "data" is the payload itself (the server embeds JSON payloads verbatim); "data_b64" is
/// decoded, only as far as needed, into `scratch` (whose capacity is reused). nullopt when the
/// frame carries neither or the base64 is invalid.
std::optional<std::string_view> push_payload(const json_frame& f, std::size_t at_least, std::string& scratch);

/// The integer value of a raw id, or nullopt (a string id, a negative or fractional number).
std::optional<std::uint64_t> id_number(std::string_view raw);

/// `s` as a JSON string, quotes included (the channel, escaped once per client).
std::string json_quoted(std::string_view s);

/// `{"id":<id>,"op":"subscribe","channel":<channel_json>}`.
std::string subscribe_request(std::uint64_t id, std::string_view channel_json);

/// Appends `{"id":<id>,"op":"publish","channel":<channel_json>[,"qos":<qos>],"data_b64":".."}`
/// (`channel_json` from json_quoted; `qos` only when above 0).
void append_publish_request(std::string& out, std::uint64_t id, std::string_view channel_json,
                            std::uint8_t qos, std::string_view payload);

} // namespace runnel::bench_tool
