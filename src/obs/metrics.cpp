#include "runnel/obs/metrics.hpp"

#include <fmt/format.h>

#include <map>

namespace runnel::obs {

counter& registry::make_counter(std::string_view name, std::string_view help, std::string_view labels) {
    std::lock_guard lock(mutex_);
    auto& c = counters_.emplace_back();
    series_.push_back({std::string(name), std::string(help), std::string(labels), kind::counter, &c, nullptr, {}});
    return c;
}

gauge& registry::make_gauge(std::string_view name, std::string_view help, std::string_view labels) {
    std::lock_guard lock(mutex_);
    auto& g = gauges_.emplace_back();
    series_.push_back({std::string(name), std::string(help), std::string(labels), kind::gauge, nullptr, &g, {}});
    return g;
}

void registry::make_computed(std::string_view name, std::string_view help, std::function<double()> fn) {
    std::lock_guard lock(mutex_);
    series_.push_back({std::string(name), std::string(help), {}, kind::gauge, nullptr, nullptr, std::move(fn)});
}

std::string registry::render() const {
    std::lock_guard lock(mutex_);
    // The exposition format wants every sample of a metric right after its HELP/TYPE lines, so
    // samples are grouped by name in order of first registration.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const series*>, std::less<>> by_name;
    for (const auto& s : series_) {
        auto& v = by_name[s.name];
        if (v.empty()) order.push_back(s.name);
        v.push_back(&s);
    }
    std::string out;
    for (const auto& name : order) {
        const auto& group = by_name[name];
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, group.front()->help, name,
                           group.front()->k == kind::counter ? "counter" : "gauge");
        for (const auto* s : group) {
            out += name;
            if (!s->labels.empty()) out += fmt::format("{{{}}}", s->labels);
            if (s->c) out += fmt::format(" {}\n", s->c->value());
            else if (s->g) out += fmt::format(" {}\n", s->g->value());
            else out += fmt::format(" {}\n", s->fn());
        }
    }
    return out;
}

} // namespace runnel::obs
