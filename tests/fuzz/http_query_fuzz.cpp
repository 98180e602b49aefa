// libFuzzer target for the URL pieces the HTTP surfaces decode (docs/fuzzing.md): the query of
// long-poll and SSE requests, percent-decoding of channel names, timetoken cursors.
// Aborts unless re-encoding a parsed query gives back the same pairs and timetokens print back
// to what they parsed from.
#include "runnel/core/cursor.hpp"
#include "runnel/core/topic.hpp"
#include "runnel/core/url.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "http_query_fuzz: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace runnel::core;
    const std::string_view in(reinterpret_cast<const char*>(data), size);

    if (auto pairs = parse_query(in)) {
        std::string again;
        for (const auto& [name, value] : *pairs) {
            if (!again.empty()) again += '&';
            again += percent_encode(name) + '=' + percent_encode(value);
            // What the handlers do with the values must not misbehave either.
            (void)validate_filter(value);
            (void)parse_shared(value);
            if (auto tt = parse_tt(value)) require(tt_string(*tt) == value || value.starts_with('0'), "tt does not print back");
        }
        auto reparsed = parse_query(again);
        require(reparsed && *reparsed == *pairs, "re-encoded query parses differently");
    }
    if (auto decoded = percent_decode(in)) require(percent_decode(percent_encode(*decoded)) == decoded, "percent round trip");
    return 0;
}
