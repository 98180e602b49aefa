// Field readers for decode_request: each checks one member's presence, type and range and
// records a request_error with a message naming the field when it fails.
#include "decode_detail.hpp"

#include "runnel/codec/json/text.hpp"

#include <charconv>
#include <limits>

namespace runnel::codec::json::detail {

namespace {

std::string quoted(std::string_view key) { return "\"" + std::string(key) + "\""; }

bool too_long(frame_fields& f, std::string_view key, std::size_t max_bytes) {
    return f.fail(status::bad_request,
                  quoted(key) + " is longer than " + std::to_string(max_bytes) + " bytes");
}

bool channel_error(frame_fields& f, std::string_view what) {
    return f.fail(status::unprocessable, "invalid channel " + std::string(what));
}

// "tt": a decimal string (how timetokens travel) or a plain integer.
bool read_tt(frame_fields& f, const bj::value& v, std::uint64_t& out) {
    if (const auto* s = v.if_string()) {
        const char* end = s->data() + s->size();
        auto [p, ec] = std::from_chars(s->data(), end, out);
        if (!s->empty() && ec == std::errc() && p == end) return true;
    } else if (auto n = v.if_int64(); n && *n >= 0) {
        out = static_cast<std::uint64_t>(*n);
        return true;
    } else if (const auto* u = v.if_uint64()) {
        out = *u;
        return true;
    }
    return f.fail(status::bad_request, "\"tt\" must be a timetoken: a decimal string");
}

} // namespace

const bj::value* frame_fields::find(std::string_view key) const {
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &it->value();
}

std::string_view frame_fields::raw(std::string_view key) const {
    auto it = obj_.find(key);
    return raw_[static_cast<std::size_t>(it - obj_.begin())];
}

bool frame_fields::fail(std::uint16_t code, std::string message) {
    if (!error_) error_ = request_error{std::nullopt, code, std::move(message)};
    return false;
}

bool need_string(frame_fields& f, std::string_view key, std::size_t max_bytes, std::string& out) {
    const bj::value* v = f.find(key);
    if (!v) return f.fail(status::bad_request, "missing " + quoted(key));
    const auto* s = v->if_string();
    if (!s || s->empty())
        return f.fail(status::bad_request, quoted(key) + " must be a non-empty string");
    if (s->size() > max_bytes) return too_long(f, key, max_bytes);
    out.assign(s->data(), s->size());
    return true;
}

bool opt_string(frame_fields& f, std::string_view key, std::size_t max_bytes,
                std::optional<std::string>& out) {
    if (!f.find(key)) return true;
    return need_string(f, key, max_bytes, out.emplace());
}

bool opt_uint(frame_fields& f, std::string_view key, std::uint64_t min, std::uint64_t max,
              std::optional<std::uint64_t>& out) {
    const bj::value* v = f.find(key);
    if (!v) return true;
    std::optional<std::uint64_t> n;
    if (auto i = v->if_int64(); i && *i >= 0) n = static_cast<std::uint64_t>(*i);
    else if (auto u = v->if_uint64()) n = *u;
    if (!n || *n < min || *n > max)
        return f.fail(status::bad_request, quoted(key) + " must be an integer in " +
                                               std::to_string(min) + ".." + std::to_string(max));
    out = n;
    return true;
}

bool opt_bool(frame_fields& f, std::string_view key, std::optional<bool>& out) {
    const bj::value* v = f.find(key);
    if (!v) return true;
    if (!v->is_bool()) return f.fail(status::bad_request, quoted(key) + " must be true or false");
    out = v->get_bool();
    return true;
}

bool need_channel_name(frame_fields& f, std::string& out) {
    if (!need_string(f, "channel", std::numeric_limits<std::size_t>::max(), out)) return false;
    if (core::validate_topic_name(out, f.lim().topic) != errc::ok)
        return channel_error(f, core::has_wildcard(out) ? "(wildcards are for subscribing)"
                                                        : "name");
    return true;
}

bool need_presence_channel(frame_fields& f, std::string& out) {
    if (!need_string(f, "channel", std::numeric_limits<std::size_t>::max(), out)) return false;
    if (core::parse_shared(out)) return channel_error(f, "(a shared subscription has no presence)");
    if (core::validate_filter(out, f.lim().topic) != errc::ok) return channel_error(f, "filter");
    return true;
}

bool need_channel_filter(frame_fields& f, std::string& out) {
    if (!need_string(f, "channel", std::numeric_limits<std::size_t>::max(), out)) return false;
    std::string_view filter = out;
    if (auto shared = core::parse_shared(out)) {
        if (!*shared) return channel_error(f, "shared subscription");
        filter = std::string_view(out).substr(out.size() - (*shared)->filter.size());
    }
    if (core::validate_filter(filter, f.lim().topic) != errc::ok) return channel_error(f, "filter");
    return true;
}

bool opt_position(frame_fields& f, std::string_view key, std::optional<position>& out,
                  bool epoch_optional) {
    const bj::value* v = f.find(key);
    if (!v) return true;
    const auto* o = v->if_object();
    const bj::value* offset = o ? o->if_contains("offset") : nullptr;
    const bj::value* epoch = o ? o->if_contains("epoch") : nullptr;
    const bj::value* tt = o ? o->if_contains("tt") : nullptr;
    const std::string shape = quoted(key) + (epoch_optional ? " must be {\"offset\": N} or {\"tt\": \"T\"}"
                                                            : " must be {\"offset\": N, \"epoch\": \"E\"} or {\"tt\": \"T\"}");
    if (!o || (tt && (offset || epoch)) || (!tt && (!offset || (!epoch && !epoch_optional))))
        return f.fail(status::bad_request, shape);
    if (tt) return read_tt(f, *tt, std::get<time_position>(out.emplace(time_position{})).tt);
    const auto* e = epoch ? epoch->if_string() : nullptr;
    auto n = offset->if_int64();
    if ((epoch && (!e || e->empty() || e->size() > f.lim().max_token_bytes)) || !n || *n < 0)
        return f.fail(status::bad_request, shape);
    out = offset_position{static_cast<std::uint64_t>(*n), e ? std::string(e->data(), e->size()) : std::string()};
    return true;
}

} // namespace runnel::codec::json::detail
