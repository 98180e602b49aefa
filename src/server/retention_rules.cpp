#include "retention_rules.hpp"

#include "runnel/core/topic.hpp"

#include <filesystem>
#include <memory>

namespace runnel::server {

store::retention_fn retention_rules(std::vector<config::retention_rule> rules) {
    auto shared = std::make_shared<const std::vector<config::retention_rule>>(std::move(rules));
    return [shared](std::string_view channel) {
        store::retention r;
        if (channel.starts_with("$SYS") || channel.starts_with("$presence/")) { // events, never stored
            r.store = false;
            return r;
        }
        for (const auto& rule : *shared) {
            if (!core::filter_matches(rule.match, channel)) continue;
            r.max_age = rule.max_age;
            r.max_messages = rule.max_messages;
            r.max_bytes = rule.max_bytes;
            r.store = rule.store;
            return r;
        }
        return r; // no rule matches: kept 24 h with no count or size limit
    };
}

store::log_options log_options(const config::options& o, store::retention_fn retention_of) {
    store::log_options l;
    l.path = (std::filesystem::path(o.node.data_dir) / "store").string();
    const auto& s = o.store;
    l.sync = s.sync == "always" ? store::sync_policy::always
             : s.sync == "none" ? store::sync_policy::none
                                : store::sync_policy::batch;
    l.sync_interval = std::chrono::duration_cast<std::chrono::microseconds>(s.sync_interval);
    l.sync_batch = s.sync_batch;
    l.block_cache_bytes = s.block_cache;
    l.write_buffer_bytes = s.write_buffer;
    l.max_disk_bytes = s.max_disk_bytes;
    l.sweep_interval = s.sweep_interval;
    l.repair = s.repair;
    l.retention_of = std::move(retention_of);
    return l;
}

} // namespace runnel::server
