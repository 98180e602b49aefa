#include "runnel/bench_tool/json_frames.hpp"

#include "runnel/codec/json/text.hpp"

#include <charconv>

namespace runnel::bench_tool {
namespace {

constexpr std::size_t max_depth = 64; // as the server's frames (docs/protocol.md)

/// A read position in the frame; every step checks `end`.
struct cursor {
    const char* p;
    const char* end;

    bool at(char c) const { return p != end && *p == c; }
    void skip_space() {
        while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    }
};

/// Past the opening quote: moves past the closing one and returns the contents as written.
bool read_string(cursor& c, std::string_view& contents) {
    const char* start = c.p;
    while (c.p != c.end) {
        auto ch = static_cast<unsigned char>(*c.p);
        if (ch == '"') {
            contents = std::string_view(start, static_cast<std::size_t>(c.p - start));
            ++c.p;
            return true;
        }
        if (ch < 0x20) return false;
        if (ch == '\\' && ++c.p == c.end) return false;
        ++c.p;
    }
    return false;
}

/// An object or array: brackets must match, strings are skipped whole.
bool skip_nested(cursor& c) {
    char open[max_depth];
    std::size_t depth = 0;
    while (c.p != c.end) {
        char ch = *c.p++;
        std::string_view ignored;
        if (ch == '"') {
            if (!read_string(c, ignored)) return false;
        } else if (ch == '{' || ch == '[') {
            if (depth == max_depth) return false;
            open[depth++] = ch;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0 || open[--depth] != (ch == '}' ? '{' : '[')) return false;
            if (depth == 0) return true;
        }
    }
    return false;
}

/// One value of any kind; `raw` is its text.
bool read_value(cursor& c, std::string_view& raw) {
    c.skip_space();
    const char* start = c.p;
    if (c.p == c.end) return false;
    std::string_view ignored;
    if (*c.p == '"') {
        ++c.p;
        if (!read_string(c, ignored)) return false;
    } else if (*c.p == '{' || *c.p == '[') {
        if (!skip_nested(c)) return false;
    } else {
        // A number or a literal: the characters they are made of.
        auto word = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '+' || ch == '.' || ch == 'E'; };
        while (c.p != c.end && word(*c.p)) ++c.p;
        if (c.p == start) return false;
    }
    raw = std::string_view(start, static_cast<std::size_t>(c.p - start));
    return true;
}

/// Calls on_member(name, raw value) for each member of the object at `c` and moves past it.
template <class F>
bool for_each_member(cursor& c, F&& on_member) {
    c.skip_space();
    if (!c.at('{')) return false;
    ++c.p;
    c.skip_space();
    if (c.at('}')) {
        ++c.p;
        return true;
    }
    for (;;) {
        c.skip_space();
        std::string_view name, value;
        if (!c.at('"')) return false;
        ++c.p;
        if (!read_string(c, name)) return false;
        c.skip_space();
        if (!c.at(':')) return false;
        ++c.p;
        if (!read_value(c, value)) return false;
        on_member(name, value);
        c.skip_space();
        if (c.at(',')) {
            ++c.p;
            continue;
        }
        if (!c.at('}')) return false;
        ++c.p;
        return true;
    }
}

/// The contents of a raw string value, or nullopt when `raw` is not a string.
std::optional<std::string_view> string_contents(std::string_view raw) {
    if (raw.size() < 2 || raw.front() != '"') return std::nullopt;
    return raw.substr(1, raw.size() - 2);
}

void read_error(std::string_view raw, json_frame& f) {
    cursor c{raw.data(), raw.data() + raw.size()};
    for_each_member(c, [&](std::string_view name, std::string_view value) {
        if (name == "code") std::from_chars(value.data(), value.data() + value.size(), f.error_code);
        else if (name == "message") f.error_message = string_contents(value).value_or("");
    });
}

/// Undoes the escapes a JSON encoder may put in a base64 string (`\/`, `\u00XX`); false for
/// anything that cannot be base64.
bool unescape_ascii(std::string_view s, std::string& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
        } else if (i + 1 < s.size() && s[i + 1] == '/') {
            out += '/';
            ++i;
        } else if (i + 5 < s.size() && s.substr(i + 1, 3) == "u00") {
            unsigned v = 0;
            auto [end, ec] = std::from_chars(s.data() + i + 4, s.data() + i + 6, v, 16);
            if (ec != std::errc{} || end != s.data() + i + 6 || v >= 0x80) return false;
            out += static_cast<char>(v);
            i += 5;
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

json_frame scan_json_frame(std::string_view text) {
    json_frame f;
    cursor c{text.data(), text.data() + text.size()};
    bool has_id = false, has_ok = false, is_message = false;
    bool walked = for_each_member(c, [&](std::string_view name, std::string_view value) {
        if (name == "op") {
            is_message = value == "\"message\"";
        } else if (name == "id") {
            f.id = value;
            has_id = true;
        } else if (name == "ok") {
            f.ok = value == "true";
            has_ok = true;
        } else if (name == "error") {
            read_error(value, f);
        } else if (name == "channel") {
            f.channel = string_contents(value).value_or("");
        } else if (name == "data") {
            f.data = value;
        } else if (name == "data_b64") {
            f.data_b64 = string_contents(value).value_or("");
        }
    });
    c.skip_space();
    if (!walked || c.p != c.end) return json_frame{};
    f.what = is_message ? json_frame::kind::message : has_id && has_ok ? json_frame::kind::reply : json_frame::kind::other;
    return f;
}

std::optional<std::string_view> push_payload(const json_frame& f, std::size_t at_least, std::string& scratch) {
    if (!f.data.empty()) return f.data;
    if (f.data_b64.data() == nullptr) return std::nullopt;
    std::string_view b64 = f.data_b64;
    if (b64.find('\\') != std::string_view::npos) {
        std::string plain;
        if (!unescape_ascii(b64, plain)) return std::nullopt;
        scratch.clear();
        if (!codec::json::decode_base64(plain, scratch)) return std::nullopt;
        return std::string_view(scratch);
    }
    // Whole groups of 4 characters decode to 3 bytes each: decode only the groups needed.
    auto chars = (at_least + 2) / 3 * 4;
    if (chars < b64.size()) b64 = b64.substr(0, chars);
    scratch.clear();
    if (!codec::json::decode_base64(b64, scratch)) return std::nullopt;
    return std::string_view(scratch);
}

std::optional<std::uint64_t> id_number(std::string_view raw) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc{} || end != raw.data() + raw.size()) return std::nullopt;
    return v;
}

std::string json_quoted(std::string_view s) {
    std::string out;
    codec::json::append_json_string(out, s);
    return out;
}

std::string subscribe_request(std::uint64_t id, std::string_view channel_json) {
    std::string out = "{\"id\":";
    out += std::to_string(id);
    out += ",\"op\":\"subscribe\",\"channel\":";
    out += channel_json;
    out += '}';
    return out;
}

void append_publish_request(std::string& out, std::uint64_t id, std::string_view channel_json, std::uint8_t qos,
                            std::string_view payload) {
    char digits[24];
    out += "{\"id\":";
    out.append(digits, std::to_chars(digits, digits + sizeof digits, id).ptr);
    out += ",\"op\":\"publish\",\"channel\":";
    out += channel_json;
    if (qos > 0) {
        out += ",\"qos\":";
        out += static_cast<char>('0' + qos);
    }
    out += ",\"data_b64\":\"";
    codec::json::append_base64(out, payload);
    out += "\"}";
}

} // namespace runnel::bench_tool
