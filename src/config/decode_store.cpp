#include "decode_store.hpp"

#include "reader.hpp"
#include "runnel/config/load.hpp"
#include "runnel/core/topic.hpp"

namespace runnel::config::detail {
namespace {

retention_rule decode_rule(map_reader r) {
    retention_rule rule;
    r.string("match", rule.match);
    if (core::validate_filter(rule.match) != errc::ok)
        throw config_error(join(r.path(), "match"), "not a valid MQTT filter: \"" + rule.match + "\"");
    r.duration("max_age", rule.max_age);
    r.integer("max_messages", rule.max_messages);
    std::size_t bytes = rule.max_bytes;
    r.size("max_bytes", bytes);
    rule.max_bytes = bytes;
    r.boolean("store", rule.store);
    r.finish();
    return rule;
}

} // namespace

store_options decode_store(map_reader r) {
    store_options s;
    r.boolean("enabled", s.enabled);
    r.string("sync", s.sync);
    if (s.sync != "always" && s.sync != "batch" && s.sync != "none")
        throw config_error(join(r.path(), "sync"), "expected always, batch or none, got \"" + s.sync + "\"");
    r.duration("sync_interval", s.sync_interval);
    r.integer("sync_batch", s.sync_batch);
    r.size("block_cache", s.block_cache);
    r.size("write_buffer", s.write_buffer);
    std::size_t disk = s.max_disk_bytes;
    r.size("max_disk_bytes", disk);
    s.max_disk_bytes = disk;
    r.duration("sweep_interval", s.sweep_interval);
    r.boolean("repair", s.repair);
    r.duration("idempotency_window", s.idempotency_window);
    r.finish();
    return s;
}

std::vector<retention_rule> decode_retention(const YAML::Node& list, const std::string& path) {
    return decode_map_list(list, path, decode_rule);
}

} // namespace runnel::config::detail
