// MQTT deliveries as JSON lines, through the JSON protocol's own message encoder.
#include "runnel/client_cli/output.hpp"

#include "runnel/codec/json/message_json.hpp"

namespace runnel::client_cli {

received from_mqtt(const codec::mqtt::publish& p) {
    core::message m;
    m.topic = p.topic;
    m.payload = p.payload;
    m.content_type = p.props.content_type;
    m.response_topic = p.props.response_topic;
    m.correlation_data = p.props.correlation_data;
    for (const auto& [name, value] : p.props.user_properties) m.user_properties.push_back({name, value});
    received r;
    // A delivery's retain flag marks a retained message sent on subscribe: the JSON protocol's
    // "retained".
    codec::json::append_message_json(r.json, m, false, p.retain);
    r.json.pop_back(); // the closing brace: MQTT adds its QoS
    r.json += ",\"qos\":";
    r.json += std::to_string(p.qos);
    r.json += '}';
    r.payload = std::move(m.payload);
    return r;
}

std::string format_line(const received& m, output_format f) {
    std::string line = f == output_format::json ? m.json : m.payload;
    if (f == output_format::json) {
        // One message per line: a raw CR or LF in JSON text can only be whitespace between
        // tokens (strings escape them), so a space keeps the value and the line.
        for (char& c : line) {
            if (c == '\n' || c == '\r') c = ' ';
        }
    }
    line += '\n';
    return line;
}

} // namespace runnel::client_cli
