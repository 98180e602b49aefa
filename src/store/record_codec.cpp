#include "record_codec.hpp"

#include "byte_io.hpp"

#include <algorithm>

namespace runnel::store {
namespace {

constexpr std::uint8_t version = 1;

enum flag : std::uint8_t {
    f_retain = 1,
    f_payload_format = 2,
    f_content_type = 4,
    f_response_topic = 8,
    f_correlation = 16,
    f_expiry = 32,
};
constexpr std::uint8_t known_flags = 63;

// A stored subscription's flags byte: 1 no_local, 2 retain_as_published, 4 with_cursor, then
// the presence choice as two bits, so a record written before them (neither set) reads back as
// "no choice": exact channels present, wildcards not (presence::presence_enabled).
constexpr std::uint8_t sub_presence_chosen = 8;
constexpr std::uint8_t sub_presence_on = 16;

boost::system::error_code corrupt() { return make_error_code(errc::data_corrupt); }

std::int64_t unix_ms_of(core::steady_time t, const clock_now& now) {
    return now.unix_ms + std::chrono::duration_cast<std::chrono::milliseconds>(t - now.steady).count();
}

core::steady_time steady_of(std::int64_t ms, const clock_now& now) {
    // Bad bytes may hold any value: clamp to +-100 years so the arithmetic cannot overflow.
    constexpr std::int64_t century_ms = 100LL * 365 * 24 * 3600 * 1000;
    ms = std::clamp(ms, now.unix_ms - century_ms, now.unix_ms + century_ms);
    return now.steady + std::chrono::milliseconds(ms - now.unix_ms);
}

void put_optional(byte_writer& w, const std::optional<std::string>& s) {
    if (s) w.str(*s);
}

std::optional<std::string> get_optional(byte_reader& r, std::uint8_t flags, std::uint8_t bit) {
    if (!(flags & bit)) return std::nullopt;
    return std::string(r.str());
}

/// A message's fields after the header.
bool read_body(byte_reader& r, core::message& m, const clock_now& now) {
    m.qos = r.u8();
    auto flags = r.u8();
    if (r.failed() || m.qos > 2 || (flags & ~known_flags)) return false;
    m.retain = flags & f_retain;
    if (flags & f_payload_format) m.payload_format = r.u8();
    m.content_type = get_optional(r, flags, f_content_type);
    m.response_topic = get_optional(r, flags, f_response_topic);
    m.correlation_data = get_optional(r, flags, f_correlation);
    auto n = r.varint();
    if (r.failed() || n > r.left() / 2) return false; // each property takes at least 2 bytes
    m.user_properties.reserve(n);
    for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
        auto name = r.str();
        auto value = r.str();
        m.user_properties.push_back({std::string(name), std::string(value)});
    }
    if (flags & f_expiry) m.expires_at = steady_of(static_cast<std::int64_t>(r.u64()), now);
    m.topic = r.str();
    m.origin_client = r.str();
    return !r.failed();
}

} // namespace

clock_now clock_now::read() {
    using namespace std::chrono;
    return {duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count(), steady_clock::now()};
}

std::string encode_message(const core::message& m, std::int64_t deadline_ms, const clock_now& now) {
    std::string out;
    out.reserve(record_header_size + 16 + m.topic.size() + m.origin_client.size() + m.payload.size());
    byte_writer w(out);
    w.u8(version);
    w.u64(static_cast<std::uint64_t>(deadline_ms));
    w.u32(static_cast<std::uint32_t>(m.payload.size()));
    w.u64(m.cur.offset);
    w.u64(m.cur.epoch);
    w.u64(m.cur.tt);
    w.u8(m.qos);
    std::uint8_t flags = (m.retain ? f_retain : 0) | (m.payload_format ? f_payload_format : 0) |
                         (m.content_type ? f_content_type : 0) | (m.response_topic ? f_response_topic : 0) |
                         (m.correlation_data ? f_correlation : 0) | (m.expires_at ? f_expiry : 0);
    w.u8(flags);
    if (m.payload_format) w.u8(*m.payload_format);
    put_optional(w, m.content_type);
    put_optional(w, m.response_topic);
    put_optional(w, m.correlation_data);
    w.varint(m.user_properties.size());
    for (const auto& p : m.user_properties) {
        w.str(p.name);
        w.str(p.value);
    }
    if (m.expires_at) w.u64(static_cast<std::uint64_t>(unix_ms_of(*m.expires_at, now)));
    w.str(m.topic);
    w.str(m.origin_client);
    w.raw(m.payload);
    return out;
}

result<record_header> peek_header(std::string_view in) {
    byte_reader r(in);
    record_header h;
    if (r.u8() != version) return corrupt();
    h.deadline_ms = static_cast<std::int64_t>(r.u64());
    h.payload_len = r.u32();
    h.offset = r.u64();
    h.epoch = r.u64();
    h.tt = r.u64();
    if (r.failed() || h.payload_len > r.left()) return corrupt();
    return h;
}

result<message_record> decode_message(std::string_view in, const clock_now& now) {
    auto h = peek_header(in);
    if (!h) return h.error();
    byte_reader r(in.substr(record_header_size));
    message_record out;
    out.deadline_ms = h->deadline_ms;
    out.msg.cur = {h->offset, h->epoch, h->tt};
    if (!read_body(r, out.msg, now) || r.left() != h->payload_len) return corrupt();
    out.msg.payload = r.rest();
    return out;
}

std::string encode_channel_meta(const channel_meta& m) {
    std::string out;
    byte_writer w(out);
    w.u8(version);
    for (auto v : {m.epoch, m.last_offset, m.last_tt, m.trimmed_offset, m.trimmed_tt}) w.u64(v);
    return out;
}

result<channel_meta> decode_channel_meta(std::string_view in) {
    byte_reader r(in);
    if (r.u8() != version) return corrupt();
    channel_meta m;
    for (auto* v : {&m.epoch, &m.last_offset, &m.last_tt, &m.trimmed_offset, &m.trimmed_tt}) *v = r.u64();
    if (r.failed() || r.left() != 0) return corrupt();
    return m;
}

std::string encode_session(const session_record& s) {
    std::string out;
    byte_writer w(out);
    w.u8(version);
    w.str(s.client_id);
    w.u64(s.durable_id);
    w.u32(s.expiry_seconds);
    w.u64(static_cast<std::uint64_t>(s.disconnected_at_ms));
    w.varint(s.subscriptions.size());
    for (const auto& sub : s.subscriptions) {
        w.str(sub.filter);
        w.u8(sub.qos);
        w.u8((sub.no_local ? 1 : 0) | (sub.retain_as_published ? 2 : 0) | (sub.with_cursor ? 4 : 0) |
             (sub.presence ? sub_presence_chosen : 0) | (sub.presence.value_or(false) ? sub_presence_on : 0));
        w.u32(sub.sub_id);
    }
    return out;
}

result<session_record> decode_session(std::string_view in) {
    byte_reader r(in);
    if (r.u8() != version) return corrupt();
    session_record s;
    s.client_id = r.str();
    s.durable_id = r.u64();
    s.expiry_seconds = r.u32();
    s.disconnected_at_ms = static_cast<std::int64_t>(r.u64());
    auto n = r.varint();
    if (r.failed() || n > r.left() / 7) return corrupt(); // each subscription takes at least 7 bytes
    for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
        stored_subscription sub;
        sub.filter = r.str();
        sub.qos = r.u8();
        auto flags = r.u8();
        sub.sub_id = r.u32();
        if (sub.qos > 2 || flags > 31 || ((flags & sub_presence_on) && !(flags & sub_presence_chosen))) r.fail();
        sub.no_local = flags & 1;
        sub.retain_as_published = flags & 2;
        sub.with_cursor = flags & 4;
        if (flags & sub_presence_chosen) sub.presence = (flags & sub_presence_on) != 0;
        s.subscriptions.push_back(std::move(sub));
    }
    if (r.failed() || r.left() != 0) return corrupt();
    return s;
}

std::string encode_owed(const owed_message& o, const clock_now& now) {
    std::string out;
    byte_writer w(out);
    w.u8(version);
    w.u8(o.qos);
    w.u8((o.retain ? 1 : 0) | (o.released ? 2 : 0) | (o.msg ? 4 : 0));
    w.u16(o.packet_id);
    w.varint(o.sub_ids.size());
    for (auto id : o.sub_ids) w.u32(id);
    if (o.msg) w.raw(encode_message(*o.msg, 0, now));
    return out;
}

result<owed_message> decode_owed(std::string_view in, std::uint64_t durable_id, std::uint64_t tt,
                                 const clock_now& now) {
    byte_reader r(in);
    if (r.u8() != version) return corrupt();
    owed_message o;
    o.durable_id = durable_id;
    o.tt = tt;
    o.qos = r.u8();
    auto flags = r.u8();
    o.packet_id = r.u16();
    auto n = r.varint();
    if (r.failed() || o.qos > 2 || flags > 7 || n > r.left() / 4) return corrupt();
    o.retain = flags & 1;
    o.released = flags & 2;
    for (std::uint64_t i = 0; i < n; ++i) o.sub_ids.push_back(r.u32());
    if (r.failed()) return corrupt();
    if (flags & 4) {
        auto m = decode_message(r.rest(), now);
        if (!m) return m.error();
        o.msg = core::make_message(std::move(m->msg));
    } else if (r.left() != 0) {
        return corrupt();
    }
    return o;
}

std::string encode_idempotency(const idempotency_value& v) {
    std::string out;
    byte_writer w(out);
    w.u8(version);
    w.u64(v.cur.offset);
    w.u64(v.cur.epoch);
    w.u64(v.cur.tt);
    w.u64(static_cast<std::uint64_t>(v.at_ms));
    return out;
}

result<idempotency_value> decode_idempotency(std::string_view in) {
    byte_reader r(in);
    if (r.u8() != version) return corrupt();
    idempotency_value v;
    v.cur.offset = r.u64();
    v.cur.epoch = r.u64();
    v.cur.tt = r.u64();
    v.at_ms = static_cast<std::int64_t>(r.u64());
    if (r.failed() || r.left() != 0) return corrupt();
    return v;
}

} // namespace runnel::store
