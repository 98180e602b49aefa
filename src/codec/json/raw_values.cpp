// Finds the text of each member value of a JSON object, or of each element of an array.
// Boost.JSON has already validated the text, so this only needs to track strings and bracket
// depth; it still checks every bound, because it must never read past the text whatever it is
// given.
#include "runnel/codec/json/raw_values.hpp"

namespace runnel::codec::json {

namespace {

class scanner {
public:
    explicit scanner(std::string_view s) : s_(s) {}

    bool at_end() const noexcept { return i_ >= s_.size(); }
    char peek() const noexcept { return at_end() ? '\0' : s_[i_]; }
    std::size_t pos() const noexcept { return i_; }

    void skip_ws() noexcept {
        while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
    }
    bool eat(char c) noexcept {
        if (peek() != c) return false;
        ++i_;
        return true;
    }
    // At an opening quote: moves past the closing one.
    bool skip_string() noexcept {
        if (!eat('"')) return false;
        while (!at_end()) {
            char c = s_[i_++];
            if (c == '\\') ++i_;       // the escaped character cannot end the string
            else if (c == '"') return true;
        }
        return false;
    }
    // At the first character of a value: moves past its last one.
    bool skip_value() noexcept {
        char c = peek();
        if (c == '"') return skip_string();
        if (c != '{' && c != '[') { // number or literal: runs to a delimiter
            while (!at_end() && !is_delimiter(s_[i_])) ++i_;
            return true;
        }
        std::size_t depth = 0;
        while (!at_end()) {
            c = s_[i_];
            if (c == '"') {
                if (!skip_string()) return false;
                continue;
            }
            ++i_;
            if (c == '{' || c == '[') ++depth;
            else if ((c == '}' || c == ']') && --depth == 0) return true;
        }
        return false;
    }
    // Skips whitespace, the value and whitespace after it; appends the value's text.
    bool take_value(std::vector<std::string_view>& out) {
        skip_ws();
        const std::size_t start = i_;
        if (at_end() || !skip_value() || i_ == start) return false;
        out.push_back(s_.substr(start, i_ - start));
        skip_ws();
        return true;
    }

private:
    static bool is_delimiter(char c) noexcept {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

// The values between `open` and `close`, each after a key when `keyed`.
std::optional<std::vector<std::string_view>> scan_values(std::string_view text, char open, char close, bool keyed) {
    scanner sc(text);
    std::vector<std::string_view> values;
    sc.skip_ws();
    if (!sc.eat(open)) return std::nullopt;
    sc.skip_ws();
    if (sc.eat(close)) return values;
    while (true) {
        if (keyed) {
            sc.skip_ws();
            if (!sc.skip_string()) return std::nullopt;
            sc.skip_ws();
            if (!sc.eat(':')) return std::nullopt;
        }
        if (!sc.take_value(values)) return std::nullopt;
        if (sc.eat(close)) return values;
        if (!sc.eat(',')) return std::nullopt;
    }
}

} // namespace

std::optional<std::vector<std::string_view>> member_values(std::string_view text) {
    return scan_values(text, '{', '}', true);
}

std::optional<std::vector<std::string_view>> element_values(std::string_view text) {
    return scan_values(text, '[', ']', false);
}

} // namespace runnel::codec::json
