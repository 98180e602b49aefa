#include "loader.hpp"

#include "keys.hpp"
#include "status.hpp"

#include "runnel/obs/log.hpp"

#include <rocksdb/iterator.h>

#include <map>

namespace runnel::store {
namespace {

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

std::unique_ptr<rocksdb::Iterator> scan(log_core& core, cf c) {
    return std::unique_ptr<rocksdb::Iterator>(core.db->db().NewIterator(rocksdb::ReadOptions(), (*core.db)[c]));
}

std::string corrupt_record(const log_core& core, std::string_view what) {
    return "store: the database at " + core.opts.path + " holds an undecodable " + std::string(what) +
           " record; set `store.repair: true` to drop such records, or move the directory away";
}

/// Sessions CF: records, owed messages and inbound ids, joined by durable id.
struct session_scan {
    std::map<std::uint64_t, loaded_session> by_id;
    std::map<std::uint64_t, std::vector<owed_message>> owed;
    std::map<std::uint64_t, std::vector<std::uint16_t>> inbound;
    std::vector<std::string> bad_keys;
};

void scan_sessions(log_core& core, session_scan& out, const clock_now& now) {
    auto it = scan(core, cf::sessions);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        auto k = view(it->key());
        bool ok = false;
        if (k.size() == 17 && k[0] == owed_tag) {
            auto id = read_u64(k, 1);
            auto o = decode_owed(view(it->value()), id, read_u64(k, 9), now);
            if ((ok = o.has_value())) out.owed[id].push_back(std::move(*o));
        } else if (k.size() == 11 && k[0] == inbound_tag) {
            auto id = read_u64(k, 1);
            out.inbound[id].push_back(static_cast<std::uint16_t>((static_cast<std::uint8_t>(k[9]) << 8) |
                                                                 static_cast<std::uint8_t>(k[10])));
            ok = true;
        } else if (!k.empty() && k[0] == session_tag) {
            auto s = decode_session(view(it->value()));
            if ((ok = s.has_value())) out.by_id[s->durable_id].record = std::move(*s);
        }
        if (!ok) out.bad_keys.emplace_back(k);
    }
}

} // namespace

result<std::uint64_t> rebuild_channels(log_core& core, std::string& why) {
    auto meta = scan(core, cf::chan_meta);
    for (meta->SeekToFirst(); meta->Valid(); meta->Next()) {
        auto m = decode_channel_meta(view(meta->value()));
        if (!m && !core.opts.repair) {
            why = corrupt_record(core, "channel");
            return make_error_code(errc::data_corrupt);
        }
        if (m) core.channels.put_meta(meta->key().ToString(), *m);
    }
    std::uint64_t dropped = 0;
    auto now = clock_now::read();
    auto it = scan(core, cf::msgs);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        auto key = parse_msg_key(view(it->key()));
        auto rec = decode_message(view(it->value()), now);
        if (key && rec) {
            auto h = peek_header(view(it->value()));
            core.channels.add_message(key->channel, *h, rec->msg.payload.size() + key->channel.size());
            continue;
        }
        if (!core.opts.repair) {
            why = corrupt_record(core, "message");
            return make_error_code(errc::data_corrupt);
        }
        ++dropped;
        (void)core.db->db().Delete(rocksdb::WriteOptions(), (*core.db)[cf::msgs], it->key());
    }
    for (auto* i : {meta.get(), it.get()}) {
        if (!i->status().ok()) {
            why = "store: reading " + core.opts.path + ": " + i->status().ToString() +
                  (i->status().IsCorruption() ? "; set `store.repair: true` to salvage what can be read" : "");
            auto ec = to_error(i->status());
            return ec == errc::data_corrupt ? ec : make_error_code(errc::storage_failed);
        }
    }
    if (dropped) RUNNEL_LOG_WARN(obs::store_log(), "store: repair dropped {} undecodable messages", dropped);
    return dropped;
}

boost::system::error_code load_snapshot(log_core& core, snapshot& out, std::chrono::milliseconds window) {
    out = snapshot{};
    auto now = clock_now::read();
    rocksdb::WriteBatch cleanup;
    for (const auto& name : core.channels.names()) {
        auto e = core.channels.find(name);
        if (!e) continue;
        out.max_tt = std::max(out.max_tt, e->meta.last_tt);
        if (e->meta.epoch || e->meta.last_offset)
            out.channels.push_back({name, e->meta.epoch, e->meta.last_offset, e->meta.last_tt});
    }
    auto retained = scan(core, cf::retained);
    for (retained->SeekToFirst(); retained->Valid(); retained->Next()) {
        auto m = decode_message(view(retained->value()), now);
        if (!m) continue;
        out.max_tt = std::max(out.max_tt, m->msg.cur.tt);
        out.retained.push_back(core::make_message(std::move(m->msg)));
    }
    auto idem = scan(core, cf::msgid_idx);
    for (idem->SeekToFirst(); idem->Valid(); idem->Next()) {
        auto k = parse_msgid_key(view(idem->key()));
        auto v = decode_idempotency(view(idem->value()));
        if (!k || !v || v->at_ms < now.unix_ms - window.count()) {
            cleanup.Delete((*core.db)[cf::msgid_idx], idem->key());
            continue;
        }
        out.max_tt = std::max(out.max_tt, v->cur.tt);
        out.idempotency.push_back({std::string(k->first), std::string(k->second), v->cur, v->at_ms});
    }
    auto kv = scan(core, cf::kv);
    for (kv->SeekToFirst(); kv->Valid(); kv->Next())
        out.kv.emplace_back(std::string(view(kv->key())), std::string(view(kv->value())));
    session_scan ss;
    scan_sessions(core, ss, now);
    for (auto& [id, owed] : ss.owed) {
        out.max_durable_id = std::max(out.max_durable_id, id);
        for (const auto& o : owed) out.max_tt = std::max(out.max_tt, o.tt);
        if (ss.by_id.count(id)) ss.by_id[id].owed = std::move(owed);
        else cleanup.DeleteRange((*core.db)[cf::sessions], id_prefix(owed_tag, id), id_prefix(owed_tag, id + 1));
    }
    for (auto& [id, ids] : ss.inbound) {
        if (ss.by_id.count(id)) ss.by_id[id].inbound_qos2 = std::move(ids);
        else cleanup.DeleteRange((*core.db)[cf::sessions], id_prefix(inbound_tag, id), id_prefix(inbound_tag, id + 1));
    }
    for (auto& [id, s] : ss.by_id) {
        out.max_durable_id = std::max(out.max_durable_id, id);
        out.sessions.push_back(std::move(s));
    }
    if (!ss.bad_keys.empty())
        RUNNEL_LOG_WARN(obs::store_log(), "store: skipped {} undecodable session records", ss.bad_keys.size());
    for (auto* i : {retained.get(), idem.get(), kv.get()}) {
        if (!i->status().ok()) return to_error(i->status());
    }
    return to_error(core.db->db().Write(rocksdb::WriteOptions(), &cleanup));
}

} // namespace runnel::store
