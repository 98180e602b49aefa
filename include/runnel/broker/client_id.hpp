#pragma once
/// Client ids the server assigns to clients that bring none (MQTT v5 empty client id, a JSON
/// connection without `connect`): "auto-" and 16 random hex digits.
#include <string>

namespace runnel::broker {
std::string assign_client_id();
} // namespace runnel::broker
