// Is a payload a JSON text? Boost.JSON's basic_parser with a handler that keeps nothing: a
// validating pass with no allocation beyond the parser's depth stack.
#include "runnel/codec/json/text.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace runnel::codec::json {

namespace {

namespace bj = boost::json;

struct null_handler {
    static constexpr std::size_t max_array_size = -1;
    static constexpr std::size_t max_object_size = -1;
    static constexpr std::size_t max_string_size = -1;
    static constexpr std::size_t max_key_size = -1;
    using ec_t = bj::error_code;
    using sv = bj::string_view;
    bool on_document_begin(ec_t&) { return true; }
    bool on_document_end(ec_t&) { return true; }
    bool on_array_begin(ec_t&) { return true; }
    bool on_array_end(std::size_t, ec_t&) { return true; }
    bool on_object_begin(ec_t&) { return true; }
    bool on_object_end(std::size_t, ec_t&) { return true; }
    bool on_string_part(sv, std::size_t, ec_t&) { return true; }
    bool on_string(sv, std::size_t, ec_t&) { return true; }
    bool on_key_part(sv, std::size_t, ec_t&) { return true; }
    bool on_key(sv, std::size_t, ec_t&) { return true; }
    bool on_number_part(sv, ec_t&) { return true; }
    bool on_int64(std::int64_t, sv, ec_t&) { return true; }
    bool on_uint64(std::uint64_t, sv, ec_t&) { return true; }
    bool on_double(double, sv, ec_t&) { return true; }
    bool on_bool(bool, ec_t&) { return true; }
    bool on_null(ec_t&) { return true; }
    bool on_comment_part(sv, ec_t&) { return true; }
    bool on_comment(sv, ec_t&) { return true; }
};

} // namespace

bool is_json_text(std::string_view text, std::size_t max_depth) {
    bj::parse_options opts; // RFC 8259: no comments, no trailing commas, UTF-8 checked
    opts.max_depth = max_depth;
    bj::basic_parser<null_handler> p(opts);
    bj::error_code ec;
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    return !ec && used == text.size();
}

} // namespace runnel::codec::json
