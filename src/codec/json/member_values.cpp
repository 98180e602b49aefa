// Finds the text of each member value of a top-level JSON object. Boost.JSON has already
// validated the frame, so this only needs to track strings and bracket depth; it still checks
// every bound, because it must never read past the frame whatever it is given.
#include "decode_detail.hpp"

namespace runnel::codec::json::detail {

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

private:
    static bool is_delimiter(char c) noexcept {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

std::optional<std::vector<std::string_view>> member_values(std::string_view text) {
    scanner sc(text);
    std::vector<std::string_view> values;
    sc.skip_ws();
    if (!sc.eat('{')) return std::nullopt;
    sc.skip_ws();
    if (sc.eat('}')) return values;
    while (true) {
        sc.skip_ws();
        if (!sc.skip_string()) return std::nullopt;
        sc.skip_ws();
        if (!sc.eat(':')) return std::nullopt;
        sc.skip_ws();
        const std::size_t start = sc.pos();
        if (sc.at_end() || !sc.skip_value() || sc.pos() == start) return std::nullopt;
        values.push_back(text.substr(start, sc.pos() - start));
        sc.skip_ws();
        if (sc.eat('}')) return values;
        if (!sc.eat(',')) return std::nullopt;
    }
}

} // namespace runnel::codec::json::detail
