#pragma once
/// Text helpers shared by the JSON encoders and the HTTP surfaces: a JSON string escaper,
/// standard base64 (RFC 4648 section 4) and a JSON text check. Written for the push path
/// (direct appends, no value trees, no allocation beyond the output string).
/// Affinity: pure functions; safe on any thread.
#include <optional>
#include <string>
#include <string_view>

namespace runnel::codec::json {

/// Appends `s` as a JSON string, quotes included. `"` and `\` are escaped, control characters
/// become \b \f \n \r \t or \u00XX, everything else is copied. Bytes that are not well-formed
/// UTF-8 (stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF) become
/// \ufffd, one per byte, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

/// Appends the padded base64 of `bytes`.
void append_base64(std::string& out, std::string_view bytes);

/// Decodes standard-alphabet base64. Padding may be left out; whitespace, the URL-safe
/// alphabet, misplaced `=` and nonzero bits after the last byte are errors (nullopt).
std::optional<std::string> decode_base64(std::string_view text);

/// The same, appending the bytes to `out` (which keeps its capacity: no allocation on a hot
/// path once it has grown). On false, `out` holds a partial result.
bool decode_base64(std::string_view text, std::string& out);

/// True when `text` is one complete JSON text (RFC 8259: a value with optional whitespace
/// around it) in valid UTF-8, nested at most `max_depth` deep: such a payload is pushed
/// verbatim as `"data"`.
bool is_json_text(std::string_view text, std::size_t max_depth = 64);

} // namespace runnel::codec::json
