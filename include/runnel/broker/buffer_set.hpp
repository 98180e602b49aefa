#pragma once
/// The channel buffers of one router shard under one byte budget: each channel keeps its own
/// limits (buffer_limits), and when the shard's channels together pass their share of
/// `max_total_bytes` the oldest messages of the shard go first, whichever channel they are in.
///
/// Affinity: the shard's worker only.
#include "runnel/broker/channel_buffer.hpp"

#include <deque>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runnel::broker {

class buffer_set {
public:
    /// `budget`: the bytes this set may hold (its share of buffer_limits::max_total_bytes).
    buffer_set(buffer_limits lim, std::size_t budget) : lim_(lim), budget_(budget) {}

    /// Stamps `m` (next offset of its channel, the channel's epoch, `tt`) and keeps it.
    void append(const std::shared_ptr<core::message>& m, std::uint64_t tt, core::steady_time now) {
        auto& b = channel(m->topic);
        b.stamp(*m, tt);
        keep(b, m, now);
    }
    /// The channel named `name`, created (with a fresh epoch) when new.
    channel_buffer& channel(std::string_view name);
    /// Keeps a message `b` stamped, within the budget.
    void keep(channel_buffer& b, const core::message_ptr& m, core::steady_time now);
    /// A channel as the retention log last saw it (channel_buffer::restore).
    void restore(const std::string& name, std::uint64_t epoch, std::uint64_t last_offset, std::uint64_t covered_tt);

    /// Reads the channel named `name`, if it exists (channel_buffer::read_after). Returns false
    /// for a gap.
    bool read_after(std::string_view name, std::uint64_t since, core::steady_time now,
                    std::vector<core::message_ptr>& out);
    /// Reads a range of the channel `q.channel` (channel_buffer::read_range). Returns false,
    /// leaving `out` alone, when there is no such channel.
    bool read_range(const store::read_query& q, core::steady_time now, store::read_page& out);
    /// Calls `fn(name)` for every channel (to match wildcards against).
    void for_each_name(const std::function<void(const std::string&)>& fn) const;

    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t channels() const noexcept { return channels_.size(); }
    const channel_buffer* find(std::string_view name) const;
    channel_buffer* find(std::string_view name) {
        return const_cast<channel_buffer*>(static_cast<const buffer_set*>(this)->find(name));
    }
    /// Entries in the eviction order, stale ones included (bounded: see append).
    std::size_t order_entries() const noexcept { return order_.size(); }

private:
    struct name_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    /// One kept message, oldest first across channels (entries of evicted messages go stale and
    /// are skipped).
    struct kept {
        channel_buffer* channel;
        std::uint64_t tt;
    };
    template <class Fn> void tracked(channel_buffer& b, Fn&& fn);
    void enforce_budget();
    void compact();

    buffer_limits lim_;
    std::size_t budget_;
    std::size_t bytes_ = 0;
    std::size_t messages_ = 0;
    std::unordered_map<std::string, channel_buffer, name_hash, std::equal_to<>> channels_;
    std::deque<kept> order_;
    std::mt19937_64 epochs_{std::random_device{}()};
};

} // namespace runnel::broker
