// libFuzzer target: what `runnel sub` reads from a server. The SSE parser must give the same
// events however the bytes are chunked (the input is cut where its first byte says); every
// message decoded from a WebSocket frame, a long-poll reply or an SSE event must print as one
// line of valid JSON without "op".
#include "fuzz_require.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "runnel/client_cli/sse_parser.hpp"

#include <boost/json/parse.hpp>

#include <vector>

using namespace runnel::client_cli;

namespace {

void check_printable(const received& m) {
    const std::string line = format_line(m, output_format::json);
    REQUIRE(line.find('\n') == line.size() - 1);
    boost::json::parse_options opts;
    opts.max_depth = 1000;
    boost::json::error_code ec;
    auto v = boost::json::parse(line, ec, {}, opts);
    REQUIRE(!ec && v.is_object() && !v.as_object().contains("op"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    if (auto f = decode_ws_frame(in); f && std::holds_alternative<received>(*f)) check_printable(std::get<received>(*f));
    if (auto r = decode_poll_reply(in)) {
        for (const auto& m : r->messages) check_printable(m);
    }
    std::vector<sse_event> whole, split;
    sse_parser a, b;
    const bool ok = a.feed(in, whole);
    const std::size_t cut = size ? data[0] % (size + 1) : 0;
    const bool ok_b = b.feed(in.substr(0, cut), split) && b.feed(in.substr(cut), split);
    REQUIRE(ok == ok_b);
    if (ok) {
        REQUIRE(whole == split);
        REQUIRE(a.last_event_id() == b.last_event_id());
    }
    for (const auto& ev : whole) {
        if (auto m = decode_message_object(ev.data)) check_printable(*m);
    }
    return 0;
}
