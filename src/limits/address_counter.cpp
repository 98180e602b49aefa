#include "runnel/limits/address_counter.hpp"

namespace runnel::limits {

struct address_counter::slot {
    std::shared_ptr<table> t;
    std::string address;

    slot(std::shared_ptr<table> tab, std::string a) : t(std::move(tab)), address(std::move(a)) {}
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() {
        std::lock_guard lock(t->mutex);
        auto it = t->counts.find(address);
        if (it != t->counts.end() && --it->second == 0) t->counts.erase(it);
    }
};

address_counter::address_counter(std::size_t max_per_address) : max_(max_per_address) {}

std::shared_ptr<void> address_counter::acquire(const std::string& address) {
    {
        std::lock_guard lock(table_->mutex);
        auto& n = table_->counts[address];
        if (max_ != 0 && n >= max_) return nullptr; // n > 0 here: the entry existed already
        ++n;
    }
    return std::make_shared<slot>(table_, address);
}

std::size_t address_counter::count(const std::string& address) const {
    std::lock_guard lock(table_->mutex);
    auto it = table_->counts.find(address);
    return it == table_->counts.end() ? 0 : it->second;
}

std::size_t address_counter::addresses() const {
    std::lock_guard lock(table_->mutex);
    return table_->counts.size();
}

} // namespace runnel::limits
