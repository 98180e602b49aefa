#include "runnel/bench_tool/report.hpp"

#include "runnel/bench_tool/json_frames.hpp"

#include <fmt/format.h>

namespace runnel::bench_tool {
namespace {

/// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t v) {
    auto digits = std::to_string(v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// Nanoseconds in the largest unit that keeps the number readable.
std::string human_ns(std::uint64_t ns) {
    if (ns < 1'000) return fmt::format("{} ns", ns);
    if (ns < 1'000'000) return fmt::format("{:.1f} us", static_cast<double>(ns) / 1e3);
    if (ns < 1'000'000'000) return fmt::format("{:.2f} ms", static_cast<double>(ns) / 1e6);
    return fmt::format("{:.2f} s", static_cast<double>(ns) / 1e9);
}

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1e3; }

} // namespace

std::string format_table(const traffic_report& r) {
    std::string out;
    auto line = [&](std::string_view label, const std::string& value) { out += fmt::format("  {:<12} {}\n", label, value); };
    out += fmt::format("runnel bench {} over {}: {} topic(s), {} publisher(s), {} subscriber(s), QoS {}, {} B payload\n",
                       r.mode, r.transport, r.topics, r.publishers, r.subscribers, r.qos, r.size);
    line("published", fmt::format("{:>14} msgs  {:>12.0f} msgs/s  over {:.2f} s", grouped(r.published), r.published_per_s(), r.publish_seconds));
    line("delivered", fmt::format("{:>14} msgs  {:>12.0f} msgs/s  over {:.2f} s  (expected {})", grouped(r.delivered),
                                  r.delivered_per_s(), r.deliver_seconds, grouped(r.expected)));
    line("lost", grouped(r.lost));
    line("duplicated", grouped(r.duplicated));
    line("reordered", grouped(r.reordered));
    if (r.unacked) line("unacked", grouped(r.unacked));
    if (r.refused) line("refused", grouped(r.refused));
    if (r.foreign) line("foreign", grouped(r.foreign));
    if (r.stalls) line("stalls", fmt::format("{} (flow-control windows written off: QoS 0 loss)", r.stalls));
    if (r.connect_failures) line("conn. failed", grouped(r.connect_failures));
    const auto& h = r.latency;
    line("latency", fmt::format("p50 {}  p99 {}  p999 {}  max {}  ({} samples)", human_ns(h.percentile(0.5)),
                                human_ns(h.percentile(0.99)), human_ns(h.percentile(0.999)), human_ns(h.max()), grouped(h.count())));
    return out;
}

std::string format_json(const traffic_report& r) {
    const auto& h = r.latency;
    return fmt::format(
        "{{\"mode\":\"{}\",\"transport\":\"{}\",\"qos\":{},\"size\":{},\"topics\":{},\"publishers\":{},\"subscribers\":{},"
        "\"publish_seconds\":{:.3f},\"deliver_seconds\":{:.3f},\"published\":{},\"published_per_s\":{:.1f},"
        "\"expected\":{},\"delivered\":{},\"delivered_per_s\":{:.1f},\"lost\":{},\"duplicated\":{},\"reordered\":{},"
        "\"unacked\":{},\"refused\":{},\"foreign\":{},\"stalls\":{},\"connect_failures\":{},"
        "\"latency_us\":{{\"p50\":{:.1f},\"p99\":{:.1f},\"p999\":{:.1f},\"max\":{:.1f},\"samples\":{}}}}}",
        r.mode, r.transport, r.qos, r.size, r.topics, r.publishers, r.subscribers, r.publish_seconds, r.deliver_seconds, r.published,
        r.published_per_s(), r.expected, r.delivered, r.delivered_per_s(), r.lost, r.duplicated, r.reordered, r.unacked,
        r.refused, r.foreign, r.stalls, r.connect_failures, us(h.percentile(0.5)), us(h.percentile(0.99)), us(h.percentile(0.999)),
        us(h.max()), h.count());
}

std::string format_table(const connections_report& r) {
    std::string out = fmt::format("runnel bench connections: {} requested, {} connected, {} failed in {:.2f} s\n",
                                  grouped(r.requested), grouped(r.connected), grouped(r.failed), r.connect_seconds);
    if (r.rss_before < 0 || r.rss_after < 0) {
        out += "  broker RSS   unknown (pass --pid PID of the broker)\n";
        return out;
    }
    out += fmt::format("  broker RSS   {} -> {} bytes (pid {})\n", grouped(static_cast<std::uint64_t>(r.rss_before)),
                       grouped(static_cast<std::uint64_t>(r.rss_after)), r.pid);
    out += fmt::format("  per conn.    {:.0f} bytes\n", r.bytes_per_connection());
    return out;
}

std::string format_json(const connections_report& r) {
    return fmt::format("{{\"mode\":\"connections\",\"requested\":{},\"connected\":{},\"failed\":{},\"connect_seconds\":{:.3f},"
                       "\"pid\":{},\"rss_before\":{},\"rss_after\":{},\"bytes_per_connection\":{:.1f}}}",
                       r.requested, r.connected, r.failed, r.connect_seconds, r.pid, r.rss_before, r.rss_after,
                       r.bytes_per_connection());
}

std::string format_table(const produce_report& r) {
    std::string out = fmt::format("runnel bench produce: {} publisher(s), QoS 1, {} B payload, {:.2f} s\n", r.publishers, r.size, r.seconds);
    auto line = [&](std::string_view label, const std::string& value) { out += fmt::format("  {:<12} {}\n", label, value); };
    line("published", grouped(r.published));
    line("acked", fmt::format("{}  ({:.0f} msgs/s)", grouped(r.acked), r.acked_per_s()));
    line("unacked", grouped(r.unacked));
    if (r.refused) line("refused", grouped(r.refused));
    line("resent", grouped(r.resent));
    line("reconnects", fmt::format("{} ({} failed attempts)", grouped(r.reconnects), grouped(r.connect_failures)));
    if (!r.record.empty()) line("record", r.record);
    return out;
}

std::string format_json(const produce_report& r) {
    return fmt::format("{{\"mode\":\"produce\",\"qos\":1,\"publishers\":{},\"size\":{},\"seconds\":{:.3f},\"published\":{},"
                       "\"acked\":{},\"acked_per_s\":{:.1f},\"refused\":{},\"unacked\":{},\"resent\":{},\"reconnects\":{},"
                       "\"connect_failures\":{},\"record\":{}}}",
                       r.publishers, r.size, r.seconds, r.published, r.acked, r.acked_per_s(), r.refused, r.unacked, r.resent,
                       r.reconnects, r.connect_failures, json_quoted(r.record));
}

} // namespace runnel::bench_tool
