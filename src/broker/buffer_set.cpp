#include "runnel/broker/buffer_set.hpp"

#include <algorithm>

namespace runnel::broker {

template <class Fn> void buffer_set::tracked(channel_buffer& b, Fn&& fn) {
    auto bytes = b.bytes();
    auto size = b.size();
    fn();
    bytes_ = bytes_ - bytes + b.bytes();
    messages_ = messages_ - size + b.size();
}

channel_buffer& buffer_set::channel(std::string_view name) {
    auto it = channels_.find(name);
    if (it == channels_.end()) it = channels_.emplace(std::string(name), channel_buffer(epochs_() | 1)).first;
    return it->second;
}

void buffer_set::restore(const std::string& name, std::uint64_t epoch, std::uint64_t last_offset,
                         std::uint64_t covered_tt) {
    auto [it, fresh] = channels_.try_emplace(name, channel_buffer(epoch));
    it->second.restore(last_offset, covered_tt);
}

void buffer_set::keep(channel_buffer& b, const core::message_ptr& m, core::steady_time now) {
    auto tt = m->cur.tt;
    tracked(b, [&] { b.keep(m, now, lim_); });
    if (b.newest_tt() == tt) order_.push_back(kept{&b, tt});
    enforce_budget();
    // Entries of messages the channels evicted themselves pile up; drop them now and then.
    if (order_.size() > 2 * messages_ + 1024) compact();
}

void buffer_set::enforce_budget() {
    while (bytes_ > budget_ && !order_.empty()) {
        auto k = order_.front();
        order_.pop_front();
        if (k.channel->oldest_tt() == k.tt) tracked(*k.channel, [&] { k.channel->evict_oldest(); });
    }
}

void buffer_set::compact() {
    std::deque<kept> live;
    for (const auto& k : order_) {
        // A channel's kept messages are a suffix of its appends, in tt order.
        if (k.channel->size() > 0 && k.tt >= k.channel->oldest_tt()) live.push_back(k);
    }
    order_ = std::move(live);
}

bool buffer_set::read_after(std::string_view name, std::uint64_t since, core::steady_time now,
                            std::vector<core::message_ptr>& out) {
    auto it = channels_.find(name);
    if (it == channels_.end()) return true;
    bool complete = true;
    tracked(it->second, [&] { complete = it->second.read_after(since, now, lim_, out); });
    return complete;
}

bool buffer_set::read_range(const store::read_query& q, core::steady_time now, store::read_page& out) {
    auto it = channels_.find(std::string_view(q.channel));
    if (it == channels_.end()) return false;
    tracked(it->second, [&] { it->second.read_range(q, now, lim_, out); });
    return true;
}

void buffer_set::for_each_name(const std::function<void(const std::string&)>& fn) const {
    for (const auto& [name, b] : channels_) fn(name);
}

const channel_buffer* buffer_set::find(std::string_view name) const {
    auto it = channels_.find(name);
    return it == channels_.end() ? nullptr : &it->second;
}

} // namespace runnel::broker
