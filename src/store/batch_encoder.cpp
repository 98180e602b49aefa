#include "batch_encoder.hpp"

#include "keys.hpp"

namespace runnel::store {
namespace {

std::int64_t deadline_of(const core::message& m, const retention& r, const clock_now& now) {
    if (r.max_age.count() <= 0) return 0;
    auto born_ms = m.cur.tt ? static_cast<std::int64_t>(m.cur.tt / 10'000) : now.unix_ms;
    return born_ms + std::chrono::duration_cast<std::chrono::milliseconds>(r.max_age).count();
}

} // namespace

void batch_encoder::add(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st, const clock_now& now) const {
    // Channel upserts first: an epoch change wipes the channel's old messages, and this batch's
    // messages (of the new epoch) must land after that range delete.
    for (const auto& c : b.channels) {
        if (c.name.size() > max_channel_size) continue;
        if (table_.epoch_changes(c)) wb.DeleteRange(db_[cf::msgs], msg_key(c.name, 0), channel_end(c.name));
        wb.Put(db_[cf::chan_meta], c.name, encode_channel_meta(table_.meta_for(c)));
        st.states.push_back(c);
    }
    add_messages(b, wb, st, now);
    for (const auto& m : b.retained_put) wb.Put(db_[cf::retained], m->topic, encode_message(*m, 0, now));
    for (const auto& t : b.retained_erase) wb.Delete(db_[cf::retained], t);
    for (const auto& e : b.idempotency) {
        if (e.channel.size() > max_channel_size) continue;
        wb.Put(db_[cf::msgid_idx], msgid_key(e.channel, e.key), encode_idempotency({e.cur, e.at_ms}));
    }
    add_sessions(b, wb, st, now);
    for (const auto& [k, v] : b.kv_put) wb.Put(db_[cf::kv], k, v);
    for (const auto& k : b.kv_erase) wb.Delete(db_[cf::kv], k);
}

void batch_encoder::add_messages(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st,
                                 const clock_now& now) const {
    for (const auto& mp : b.messages) {
        const auto& m = *mp;
        auto r = retention_of_(m.topic);
        if (!r.store || !m.cur.stamped() || m.topic.size() > max_channel_size) {
            ++st.skipped;
            continue;
        }
        auto deadline = deadline_of(m, r, now);
        wb.Put(db_[cf::msgs], msg_key(m.topic, m.cur.offset), encode_message(m, deadline, now));
        record_header h{deadline, static_cast<std::uint32_t>(m.payload.size()), m.cur.offset, m.cur.epoch, m.cur.tt};
        st.appends.push_back({m.topic, h, m.payload.size() + m.topic.size()});
        ++st.messages;
    }
}

void batch_encoder::add_sessions(const write_batch& b, rocksdb::WriteBatch& wb, drain_state& st,
                                 const clock_now& now) const {
    auto& sessions = *db_[cf::sessions];
    for (const auto& s : b.sessions_put) {
        wb.Put(&sessions, session_key(s.client_id), encode_session(s));
        st.session_ids[s.client_id] = s.durable_id;
    }
    for (const auto& [client, id] : b.sessions_erase) {
        // The record goes only if it is still this incarnation (a new one may have replaced it).
        if (current_durable_id(client, st) == id) {
            wb.Delete(&sessions, session_key(client));
            st.session_ids[client] = 0;
        }
        wb.DeleteRange(&sessions, id_prefix(owed_tag, id), id_prefix(owed_tag, id + 1));
        wb.DeleteRange(&sessions, id_prefix(inbound_tag, id), id_prefix(inbound_tag, id + 1));
    }
    for (const auto& o : b.owed_put) wb.Put(&sessions, owed_key(o.durable_id, o.tt), encode_owed(o, now));
    for (const auto& [id, tt] : b.owed_erase) wb.Delete(&sessions, owed_key(id, tt));
    for (const auto& [id, pid] : b.inbound_put) wb.Put(&sessions, inbound_key(id, pid), "");
    for (const auto& [id, pid] : b.inbound_erase) wb.Delete(&sessions, inbound_key(id, pid));
}

std::uint64_t batch_encoder::current_durable_id(const std::string& client, const drain_state& st) const {
    if (auto it = st.session_ids.find(client); it != st.session_ids.end()) return it->second;
    std::string value;
    auto s = db_.db().Get(rocksdb::ReadOptions(), db_[cf::sessions], session_key(client), &value);
    if (!s.ok()) return 0;
    auto rec = decode_session(value);
    return rec ? rec->durable_id : 0;
}

} // namespace runnel::store
