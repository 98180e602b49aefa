#include "runnel/store/memory_retention_log.hpp"

#include <algorithm>

namespace runnel::store {
namespace {

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The timetoken of a Unix time in ms.
std::uint64_t tt_of_ms(std::int64_t ms) { return static_cast<std::uint64_t>(ms) * 10'000; }

std::size_t size_of(const core::message& m) { return m.payload.size() + m.topic.size(); }

} // namespace

memory_retention_log::memory_retention_log(retention_fn retention_of) : retention_of_(std::move(retention_of)) {}

boost::system::error_code memory_retention_log::load(snapshot& out, std::chrono::milliseconds idempotency_window) {
    std::lock_guard lock(mutex_);
    out = snapshot{};
    for (const auto& [name, st] : meta_) {
        out.channels.push_back(st);
        out.max_tt = std::max(out.max_tt, st.last_tt);
    }
    for (const auto& [topic, m] : retained_) out.retained.push_back(m);
    out.kv.assign(kv_.begin(), kv_.end());
    auto oldest = unix_ms() - idempotency_window.count();
    for (const auto& [k, e] : idempotency_) {
        if (e.at_ms >= oldest) out.idempotency.push_back(e);
    }
    for (const auto& [client, rec] : sessions_) {
        loaded_session s{rec, {}, {}};
        for (auto it = owed_.lower_bound({rec.durable_id, 0}); it != owed_.end() && it->first.first == rec.durable_id; ++it)
            s.owed.push_back(it->second);
        if (auto in = inbound_.find(rec.durable_id); in != inbound_.end()) s.inbound_qos2 = in->second;
        out.max_durable_id = std::max(out.max_durable_id, rec.durable_id);
        out.sessions.push_back(std::move(s));
    }
    std::erase_if(owed_, [&](const auto& kv) {
        return std::none_of(sessions_.begin(), sessions_.end(),
                            [&](const auto& s) { return s.second.durable_id == kv.first.first; });
    });
    return {};
}

void memory_retention_log::commit(write_batch b, done_fn written, done_fn durable) {
    boost::system::error_code ec;
    {
        std::lock_guard lock(mutex_);
        if (holding_) {
            held_.push_back({std::move(b), std::move(written), std::move(durable)});
            return;
        }
        ec = failing_;
        if (!ec) apply(b);
        else ++stats_.write_errors;
    }
    if (written) written(ec);
    if (durable) durable(ec);
}

void memory_retention_log::apply(const write_batch& b) {
    for (const auto& m : b.messages) {
        auto& c = channels_[m->topic];
        c.by_offset[m->cur.offset] = m;
        c.bytes += size_of(*m);
        trim(m->topic, c);
        ++stats_.messages_written;
    }
    for (const auto& st : b.channels) meta_[st.name] = st;
    for (const auto& m : b.retained_put) retained_[m->topic] = m;
    for (const auto& t : b.retained_erase) retained_.erase(t);
    for (const auto& e : b.idempotency) idempotency_[e.channel + '\0' + e.key] = e;
    for (const auto& s : b.sessions_put) sessions_[s.client_id] = s;
    for (const auto& [client, id] : b.sessions_erase) {
        if (auto it = sessions_.find(client); it != sessions_.end() && it->second.durable_id == id) sessions_.erase(it);
        std::erase_if(owed_, [id = id](const auto& kv) { return kv.first.first == id; });
        inbound_.erase(id);
    }
    for (const auto& o : b.owed_put) owed_[{o.durable_id, o.tt}] = o;
    for (const auto& k : b.owed_erase) owed_.erase(k);
    for (const auto& [id, pid] : b.inbound_put) inbound_[id].push_back(pid);
    for (const auto& [id, pid] : b.inbound_erase) std::erase(inbound_[id], pid);
    for (const auto& [k, v] : b.kv_put) kv_[k] = v;
    for (const auto& k : b.kv_erase) kv_.erase(k);
    ++stats_.batches_written;
}

void memory_retention_log::trim(const std::string& name, channel_log& c) {
    auto r = retention_of_(name);
    auto too_old = tt_of_ms(unix_ms()) - static_cast<std::uint64_t>(r.max_age.count()) * 10'000'000ull;
    while (!c.by_offset.empty()) {
        const auto& front = *c.by_offset.begin()->second;
        bool drop = (r.max_messages && c.by_offset.size() > r.max_messages) || (r.max_bytes && c.bytes > r.max_bytes) ||
                    (r.max_age.count() > 0 && front.cur.tt < too_old);
        if (!drop) break;
        c.trimmed_offset = front.cur.offset;
        c.trimmed_tt = front.cur.tt;
        c.bytes -= size_of(front);
        c.by_offset.erase(c.by_offset.begin());
        ++stats_.trimmed_messages;
    }
}

void memory_retention_log::read(read_query q, read_fn done) {
    read_page page;
    {
        std::lock_guard lock(mutex_);
        auto it = channels_.find(q.channel);
        if (it != channels_.end()) {
            auto& c = it->second;
            trim(q.channel, c);
            page.trimmed_offset = c.trimmed_offset;
            page.trimmed_tt = c.trimmed_tt;
            std::vector<core::message_ptr> in_range;
            for (const auto& [off, m] : c.by_offset) {
                if (off > q.after_offset && off <= q.until_offset && m->cur.tt > q.after_tt && m->cur.tt <= q.until_tt)
                    in_range.push_back(m);
            }
            if (q.newest_first) std::reverse(in_range.begin(), in_range.end());
            std::size_t bytes = 0;
            for (auto& m : in_range) {
                bytes += size_of(*m);
                if (page.messages.size() >= q.limit || (!page.messages.empty() && bytes > q.max_bytes)) {
                    page.more = true;
                    break;
                }
                page.messages.push_back(m);
            }
        }
    }
    done({}, std::move(page));
}

bool memory_retention_log::writable() const noexcept {
    std::lock_guard lock(mutex_);
    return !failing_;
}

std::string memory_retention_log::failure() const {
    std::lock_guard lock(mutex_);
    return failing_ ? failing_.message() : std::string();
}

log_stats memory_retention_log::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void memory_retention_log::close() { release(); }

void memory_retention_log::hold(bool on) {
    std::lock_guard lock(mutex_);
    holding_ = on;
}

std::size_t memory_retention_log::release() {
    std::deque<held> batches;
    boost::system::error_code ec;
    {
        std::lock_guard lock(mutex_);
        batches.swap(held_);
        ec = failing_;
        for (auto& h : batches) {
            if (!ec) apply(h.b);
        }
    }
    for (auto& h : batches) {
        if (h.written) h.written(ec);
        if (h.durable) h.durable(ec);
    }
    return batches.size();
}

void memory_retention_log::fail_writes(boost::system::error_code ec) {
    std::lock_guard lock(mutex_);
    failing_ = ec;
}

std::vector<core::message_ptr> memory_retention_log::messages(const std::string& channel) const {
    std::lock_guard lock(mutex_);
    std::vector<core::message_ptr> out;
    if (auto it = channels_.find(channel); it != channels_.end()) {
        for (const auto& [off, m] : it->second.by_offset) out.push_back(m);
    }
    return out;
}

std::size_t memory_retention_log::owed_count() const {
    std::lock_guard lock(mutex_);
    return owed_.size();
}

} // namespace runnel::store
