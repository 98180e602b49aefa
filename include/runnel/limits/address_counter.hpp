#pragma once
/// Open connections per source address, shared by every client listener of a node
/// (limits.max_connections_per_address). acquire() hands out a slot that gives itself back when
/// its last copy is dropped, on whatever thread that happens; an address whose count returns
/// to zero is erased, so the table holds only addresses with open connections.
/// Affinity: thread-safe (one mutex; taken once per accept and once per close).
/// Ownership: the table lives as long as the counter or its last slot, whichever is later.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runnel::limits {

class address_counter {
public:
    /// max 0 = no limit (slots are still counted).
    explicit address_counter(std::size_t max_per_address);

    /// A slot for one more connection from `address`, or null when it already has the maximum.
    std::shared_ptr<void> acquire(const std::string& address);

    std::size_t count(const std::string& address) const;
    /// Addresses with at least one open connection.
    std::size_t addresses() const;
    std::size_t max() const noexcept { return max_; }

private:
    struct table {
        mutable std::mutex mutex; // guards counts
        std::unordered_map<std::string, std::size_t> counts;
    };
    struct slot;
    std::shared_ptr<table> table_ = std::make_shared<table>();
    std::size_t max_;
};

} // namespace runnel::limits
