#pragma once
// broker::session_sink that records what the broker hands a connection.
#include "runnel/broker/session_sink.hpp"

#include <string>
#include <vector>

namespace runnel::test {

struct recording_sink final : broker::session_sink {
    std::vector<broker::delivery> got;
    std::vector<std::uint16_t> released;
    std::vector<errc> kicked;
    bool refuse_qos0 = false;

    bool deliver(const broker::delivery& d) override {
        if (d.qos == 0 && refuse_qos0) return false;
        got.push_back(d);
        return true;
    }
    void release(std::uint16_t id) override { released.push_back(id); }
    void kick(errc why) override { kicked.push_back(why); }

    std::vector<std::string> payloads() const {
        std::vector<std::string> out;
        for (const auto& d : got) out.push_back(d.msg->payload);
        return out;
    }
};

} // namespace runnel::test
