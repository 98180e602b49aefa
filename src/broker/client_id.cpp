#include "runnel/broker/client_id.hpp"

#include <random>

namespace runnel::broker {

std::string assign_client_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string id = "auto-";
    auto v = rng();
    for (int i = 0; i < 16; ++i) id += digits[(v >> (i * 4)) & 0xF];
    return id;
}

} // namespace runnel::broker
