#include "channel_table.hpp"

#include <algorithm>

namespace runnel::store {

void channel_table::put_meta(std::string name, const channel_meta& m) {
    std::lock_guard lock(mutex_);
    entries_[std::move(name)].meta = m;
}

void channel_table::add_message(std::string_view name, const record_header& h, std::uint64_t size) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) it = entries_.emplace(std::string(name), channel_entry{}).first;
    auto& e = it->second;
    if (h.offset <= e.meta.trimmed_offset) return; // below the floor: already dropped
    if (e.first_offset == 0 || h.offset < e.first_offset) {
        e.first_offset = h.offset;
        e.first_deadline_ms = h.deadline_ms;
    }
    e.last_stored = std::max(e.last_stored, h.offset);
    e.meta.last_offset = std::max(e.meta.last_offset, h.offset);
    e.meta.last_tt = std::max(e.meta.last_tt, h.tt);
    e.meta.epoch = e.meta.epoch ? e.meta.epoch : h.epoch;
    ++e.count;
    e.bytes += size;
}

bool channel_table::epoch_changes(const channel_state& st) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(st.name);
    return it != entries_.end() && it->second.meta.epoch != 0 && it->second.meta.epoch != st.epoch;
}

bool channel_table::set_position(const channel_state& st) {
    std::lock_guard lock(mutex_);
    auto& e = entries_[st.name];
    bool changed = e.meta.epoch != 0 && e.meta.epoch != st.epoch;
    if (changed) e = channel_entry{};
    e.meta.epoch = st.epoch;
    e.meta.last_offset = st.last_offset;
    e.meta.last_tt = st.last_tt;
    return changed;
}

bool channel_table::apply_trim(std::string_view name, const trim& t) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end() || it->second.meta.epoch != t.epoch) return false;
    auto& e = it->second;
    e.meta.trimmed_offset = std::max(e.meta.trimmed_offset, t.floor);
    e.meta.trimmed_tt = std::max(e.meta.trimmed_tt, t.floor_tt);
    e.count -= std::min(e.count, t.count);
    e.bytes -= std::min(e.bytes, t.bytes);
    // Messages appended while the sweep scanned start right above the floor.
    e.first_offset = t.next_offset ? t.next_offset : (e.last_stored > t.floor ? t.floor + 1 : 0);
    e.first_deadline_ms = t.next_offset ? t.next_deadline_ms : 0;
    return true;
}

std::optional<channel_entry> channel_table::find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> channel_table::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [name, e] : entries_) out.push_back(name);
    return out;
}

channel_meta channel_table::meta_for(const channel_state& st) const {
    std::lock_guard lock(mutex_);
    channel_meta m{st.epoch, st.last_offset, st.last_tt, 0, 0};
    auto it = entries_.find(st.name);
    if (it != entries_.end() && (it->second.meta.epoch == 0 || it->second.meta.epoch == st.epoch)) {
        m.trimmed_offset = it->second.meta.trimmed_offset;
        m.trimmed_tt = it->second.meta.trimmed_tt;
    }
    return m;
}

} // namespace runnel::store
