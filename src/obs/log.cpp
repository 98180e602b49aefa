#include "runnel/obs/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>
#include <mutex>

namespace runnel::obs {
namespace {

std::shared_ptr<spdlog::logger> make(const char* name) {
    // All module loggers share one stderr sink so lines never interleave mid-line.
    static auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto l = std::make_shared<spdlog::logger>(name, sink);
    l->set_level(spdlog::level::info);
    return l;
}

struct loggers {
    std::shared_ptr<spdlog::logger> server = make("server");
    std::shared_ptr<spdlog::logger> net = make("net");
    std::shared_ptr<spdlog::logger> broker = make("broker");
    std::shared_ptr<spdlog::logger> mqtt = make("mqtt");
    std::shared_ptr<spdlog::logger> http = make("http");
    std::shared_ptr<spdlog::logger> store = make("store");
};

loggers& all() {
    static loggers l;
    return l;
}

} // namespace

void init_logging(std::string_view level, std::string_view format) {
    auto lvl = spdlog::level::from_str(std::string(level));
    const char* pattern = format == "json"
        ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","module":"%n","msg":"%v"})"
        : "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %-6n %v";
    auto& l = all();
    for (auto* lg : {&l.server, &l.net, &l.broker, &l.mqtt, &l.http, &l.store}) {
        (*lg)->set_level(lvl);
        (*lg)->set_pattern(pattern);
    }
}

spdlog::logger& server_log() { return *all().server; }
spdlog::logger& net_log() { return *all().net; }
spdlog::logger& broker_log() { return *all().broker; }
spdlog::logger& mqtt_log() { return *all().mqtt; }
spdlog::logger& http_log() { return *all().http; }
spdlog::logger& store_log() { return *all().store; }

} // namespace runnel::obs
