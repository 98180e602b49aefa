#pragma once
/// One spdlog logger per module, configured once at startup by `obs::init_logging`. Levels:
/// error = an operator must act; warn = degraded or self-healed; info = lifecycle; debug = per
/// connection; trace = per packet. Payloads and secrets are never logged above trace.
#include <spdlog/spdlog.h>

#include <string_view>

namespace runnel::obs {

/// level: trace|debug|info|warn|error|off; format: text|json. Thread-safe, idempotent.
void init_logging(std::string_view level, std::string_view format);

spdlog::logger& server_log();
spdlog::logger& net_log();
spdlog::logger& broker_log();
spdlog::logger& mqtt_log();
spdlog::logger& http_log();
spdlog::logger& store_log();

} // namespace runnel::obs

#define RUNNEL_LOG_TRACE(logger, ...) SPDLOG_LOGGER_TRACE(&(logger), __VA_ARGS__)
#define RUNNEL_LOG_DEBUG(logger, ...) SPDLOG_LOGGER_DEBUG(&(logger), __VA_ARGS__)
#define RUNNEL_LOG_INFO(logger, ...) SPDLOG_LOGGER_INFO(&(logger), __VA_ARGS__)
#define RUNNEL_LOG_WARN(logger, ...) SPDLOG_LOGGER_WARN(&(logger), __VA_ARGS__)
#define RUNNEL_LOG_ERROR(logger, ...) SPDLOG_LOGGER_ERROR(&(logger), __VA_ARGS__)
