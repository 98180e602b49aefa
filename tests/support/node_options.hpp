#pragma once
// Options for an in-process node in integration tests: MQTT, HTTP and admin on loopback with
// ports the kernel picks, two workers, data in `data_dir`, plus `sets` ("key.path=value").
#include "runnel/config/load.hpp"

#include <string>
#include <utility>
#include <vector>

namespace runnel::test {

inline config::options loopback_node_options(const std::string& data_dir, std::vector<std::string> sets = {}) {
    config::overrides o;
    o.data_dir = data_dir;
    o.mqtt = {"127.0.0.1:0"};
    o.admin = {"127.0.0.1:0"};
    o.http = {"127.0.0.1:0"};
    o.workers = 2;
    o.sets = std::move(sets);
    return config::load(std::nullopt, o);
}

} // namespace runnel::test
