#pragma once
/// A core::message as the JSON protocol shows it: the `"message"` push on WebSocket, and the
/// same object without `"op"` inside long-poll replies and SSE events. Written with direct
/// string appends: it runs once per message on the fan-out path.
/// Payload rule (DESIGN "One channel namespace"): a payload that is a JSON text goes out
/// verbatim as `"data"`, anything else as `"data_b64"`, so no bytes are lost either way.
/// Headers: content type, response topic and correlation data under their reserved names
/// (`content-type`, `response-topic`, `correlation-data` or, when not UTF-8 without NUL,
/// `correlation-data-b64`), then user properties. User properties with a reserved name are
/// not shown: they would collide.
/// Affinity: pure functions; safe on any thread.
#include "runnel/codec/json/request.hpp"
#include "runnel/core/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::codec::json {

/// Deepest payload nesting that is still shown as `"data"`; deeper JSON goes as `"data_b64"`.
constexpr std::size_t max_data_depth = 64;

/// Appends `{"op":"message","channel":..,"data"|"data_b64":..,"offset":..,"epoch":..,
/// "tt":"..","retained":true,"from":..,"headers":{..}}` to `out`. `"op"` only when `with_op`;
/// the cursor only when the message is stamped (`tt` as a decimal string: JavaScript numbers
/// stop at 2^53); `"retained"` only when `retained` (a retained message sent on subscribe);
/// `"from"` only for a non-empty origin; `"headers"` only when the message has any (content
/// type, response topic, correlation data, user properties; a repeated user property name
/// becomes an array of its values, in order).
void append_message_json(std::string& out, const core::message& m, bool with_op, bool retained = false);

/// The WebSocket push for `m`.
inline std::string encode_message_push(const core::message& m, bool retained = false) {
    std::string out;
    append_message_json(out, m, true, retained);
    return out;
}

/// The message a publish makes, payload moved in. `"data"` also sets payload format 1 (UTF-8)
/// and, unless the headers name one, content type `application/json`.
core::message message_from_publish(publish_cmd cmd, std::string origin_client);

} // namespace runnel::codec::json
