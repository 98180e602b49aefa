#include "runnel/bench_tool/options.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace runnel::bench_tool {

const char* to_string(bench_mode m) noexcept {
    switch (m) {
    case bench_mode::fanin: return "fanin";
    case bench_mode::fanout: return "fanout";
    case bench_mode::pairs: return "pairs";
    case bench_mode::connections: return "connections";
    case bench_mode::produce: return "produce";
    }
    return "?";
}

std::optional<bench_mode> parse_mode(std::string_view s) noexcept {
    for (auto m : {bench_mode::fanin, bench_mode::fanout, bench_mode::pairs, bench_mode::connections, bench_mode::produce}) {
        if (s == to_string(m)) return m;
    }
    return std::nullopt;
}

const char* to_string(transport_kind t) noexcept {
    switch (t) {
    case transport_kind::tcp: return "tcp";
    case transport_kind::ws_mqtt: return "ws-mqtt";
    case transport_kind::ws_json: return "ws-json";
    }
    return "?";
}

std::optional<transport_kind> parse_transport(std::string_view s) noexcept {
    for (auto t : {transport_kind::tcp, transport_kind::ws_mqtt, transport_kind::ws_json}) {
        if (s == to_string(t)) return t;
    }
    return std::nullopt;
}

const char* default_ws_path(transport_kind t) noexcept {
    return t == transport_kind::ws_json ? "/ws" : "/mqtt";
}

topology topology_of(const bench_options& o) noexcept {
    topology t;
    switch (o.mode) {
    case bench_mode::fanin:
        t.publishers = o.publishers ? o.publishers : 8;
        t.subscribers = o.subscribers ? o.subscribers : 1;
        break;
    case bench_mode::fanout:
        t.publishers = o.publishers ? o.publishers : 1;
        t.subscribers = o.subscribers ? o.subscribers : 100;
        break;
    case bench_mode::pairs:
        t.topics = o.pairs ? o.pairs : 1;
        t.publishers = o.publishers ? o.publishers : 1;
        t.subscribers = o.subscribers ? o.subscribers : 1;
        break;
    case bench_mode::connections:
        t.topics = t.publishers = t.subscribers = 0;
        break;
    case bench_mode::produce: // one topic per publisher, nobody subscribed
        t.topics = o.publishers ? o.publishers : 4;
        t.publishers = 1;
        t.subscribers = 0;
        break;
    }
    return t;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double value = 0;
    try {
        std::size_t used = 0;
        value = std::stod(std::string(s.substr(0, i)), &used);
        if (used != i) return std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
    auto unit = s.substr(i);
    double ms_per = 0;
    if (unit.empty() || unit == "s") ms_per = 1000;
    else if (unit == "ms") ms_per = 1;
    else if (unit == "m" || unit == "min") ms_per = 60'000;
    else if (unit == "h") ms_per = 3'600'000;
    else return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(value * ms_per)));
}

std::optional<std::int64_t> parse_vmrss(std::string_view text) noexcept {
    // "VmRSS:\t   12345 kB"
    auto at = text.find("VmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    auto p = at + 6;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    std::int64_t kb = 0;
    auto [end, ec] = std::from_chars(text.data() + p, text.data() + text.size(), kb);
    if (ec != std::errc{} || end == text.data() + p) return std::nullopt;
    return kb * 1024;
}

} // namespace runnel::bench_tool
