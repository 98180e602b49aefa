#pragma once
/// What `runnel sub` prints for one message. `--format json` (the default) is one JSON object
/// per line, the message object of docs/protocol.md ("Message push") without "op", so
/// `runnel sub chat/# | jq` works; `--format raw` is the payload bytes and a newline.
/// Affinity: pure functions; safe on any thread.
#include "runnel/client_cli/options.hpp"
#include "runnel/codec/mqtt/packet.hpp"

#include <string>

namespace runnel::client_cli {

/// One received message in both shapes.
struct received {
    std::string json;    // one JSON object, no newline
    std::string payload; // the message's bytes
};

/// From an MQTT PUBLISH: `channel`, `data` or `data_b64` (the JSON-text rule of the JSON
/// protocol), `"retained":true` when the retain flag is set (a retained message sent on
/// subscribe), `headers` (v5 content type, response topic, correlation data, user
/// properties), then `qos`. Written by codec::json's message encoder.
received from_mqtt(const codec::mqtt::publish& p);

/// The line to print, newline included. In JSON, line breaks between a `"data"` value's tokens
/// become spaces (the value stays the same; --format raw has the exact bytes).
std::string format_line(const received& m, output_format f);

} // namespace runnel::client_cli
