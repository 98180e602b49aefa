#pragma once
/// Forward declarations of the config module's public types, sorted.

namespace runnel::config {
class config_error;
enum class protocol;
struct auth_options;
struct broker_options;
struct limits_options;
struct listener;
struct log_options;
struct mqtt_options;
struct node_options;
struct options;
struct overrides;
struct shutdown_options;
struct sys_options;
struct tls_options;
struct user;
} // namespace runnel::config
