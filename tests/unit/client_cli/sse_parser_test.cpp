// The text/event-stream reader: fields, line ends, chunking, last event ID and retry.
#include "runnel/client_cli/sse_parser.hpp"

#include <gtest/gtest.h>

using namespace runnel::client_cli;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

std::vector<sse_event> parse(std::string_view text) {
    sse_parser p;
    std::vector<sse_event> out;
    EXPECT_TRUE(p.feed(text, out));
    return out;
}

// Every split of `text` into two chunks, and one byte at a time, gives the same events.
void expect_any_chunking(std::string_view text, const std::vector<sse_event>& want) {
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        sse_parser p;
        std::vector<sse_event> out;
        p.feed(text.substr(0, cut), out);
        p.feed(text.substr(cut), out);
        EXPECT_EQ(out, want) << "cut at " << cut;
    }
    sse_parser p;
    std::vector<sse_event> out;
    for (char c : text) p.feed(std::string_view(&c, 1), out);
    EXPECT_EQ(out, want) << "byte by byte";
}

} // namespace

TEST(sse_parser, the_servers_stream) {
    const std::string text = "retry: 2000\n\nevent: message\nid: 17632180123456790\n"
                             "data: {\"channel\":\"chat/1\",\"data\":{\"t\":\"hi\"}}\n\n: heartbeat\n\n";
    std::vector<sse_event> want{{"message", R"({"channel":"chat/1","data":{"t":"hi"}})", "17632180123456790"}};
    EXPECT_EQ(parse(text), want);
    expect_any_chunking(text, want);
    sse_parser p;
    std::vector<sse_event> out;
    p.feed(text, out);
    EXPECT_EQ(p.retry(), 2000ms);
    EXPECT_EQ(p.last_event_id(), "17632180123456790");
}

TEST(sse_parser, crlf_and_cr_line_ends) {
    std::vector<sse_event> want{{"message", "a", ""}, {"x", "b\nc", ""}};
    expect_any_chunking("data: a\r\n\r\nevent: x\rdata: b\rdata:c\r\r", want);
    expect_any_chunking("data: a\n\nevent: x\r\ndata: b\ndata:c\r\n\n", want);
}

TEST(sse_parser, bom_comments_and_field_forms) {
    std::vector<sse_event> want{{"message", "", ""}, {"message", " two spaces", ""}};
    // "data" alone is an empty data line; only one space after the colon is dropped.
    expect_any_chunking("\xEF\xBB\xBF: hi\ndata\n\ndata:  two spaces\nunknown: x\n\n", want);
    EXPECT_TRUE(parse("\xEF\xBB\xBF").empty());
}

TEST(sse_parser, blocks_without_data_dispatch_nothing_but_set_the_id) {
    sse_parser p;
    std::vector<sse_event> out;
    p.feed("event: x\nid: 7\n\n", out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(p.last_event_id(), "7");
    p.feed("data: d\n\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, "message"); // the event type does not carry over
    EXPECT_EQ(out[0].id, "7");         // the id does
}

TEST(sse_parser, an_event_cut_short_does_not_move_the_last_id) {
    sse_parser p;
    std::vector<sse_event> out;
    p.feed("id: 1\ndata: one\n\nid: 2\ndata: tw", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(p.last_event_id(), "1"); // event 2 never completed: resume after 1
    p.reset();                          // the connection dropped
    p.feed("id: 2\ndata: two\n\n", out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].data, "two");
    EXPECT_EQ(p.last_event_id(), "2");
}

TEST(sse_parser, bad_values_are_ignored) {
    sse_parser p;
    std::vector<sse_event> out;
    p.feed("retry: 10s\nretry: -1\nid: a\0b\ndata: x\n\n"s, out);
    EXPECT_FALSE(p.retry());
    EXPECT_EQ(p.last_event_id(), "");
    p.feed("retry: 500\n\n", out);
    EXPECT_EQ(p.retry(), 500ms);
}

TEST(sse_parser, an_endless_line_breaks_the_stream) {
    sse_parser p(16);
    std::vector<sse_event> out;
    EXPECT_TRUE(p.feed("data: short\n", out));
    EXPECT_FALSE(p.feed(std::string(20, 'x'), out));
    EXPECT_FALSE(p.feed("\n\n", out));
}
