// transport_stream corking: gathered writes complete at once and leave in the next real write.
#include "runnel/net/transport_stream.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

using namespace runnel;
namespace asio = boost::asio;

namespace {

/// Records every write call; reads are never used here.
class recording_transport final : public net::transport {
public:
    explicit recording_transport(asio::io_context& io, std::vector<std::string>& writes) : io_(io), writes_(writes) {}
    asio::awaitable<boost::system::error_code> handshake() override { co_return boost::system::error_code{}; }
    asio::awaitable<net::io_result> read_some(asio::mutable_buffer) override { co_return net::io_result{asio::error::eof, 0}; }
    asio::awaitable<net::io_result> write(std::span<const asio::const_buffer> bufs) override {
        std::string one;
        for (auto b : bufs) one.append(static_cast<const char*>(b.data()), b.size());
        writes_.push_back(one);
        co_return net::io_result{{}, one.size()};
    }
    asio::awaitable<void> shutdown() override { co_return; }
    void close() noexcept override {}
    asio::any_io_executor executor() override { return io_.get_executor(); }
    const std::string& remote() const noexcept override { return remote_; }
    bool loopback() const noexcept override { return true; }
    const char* kind() const noexcept override { return "test"; }

private:
    asio::io_context& io_;
    std::vector<std::string>& writes_;
    std::string remote_ = "test";
};

struct corking : ::testing::Test {
    asio::io_context io;
    std::vector<std::string> writes;
    net::transport_stream s{std::make_unique<recording_transport>(io, writes)};

    std::size_t write(std::string_view data) {
        std::size_t got = 0;
        asio::async_write(s, asio::buffer(data), [&](boost::system::error_code ec, std::size_t n) {
            EXPECT_FALSE(ec);
            got = n;
        });
        io.run();
        io.restart();
        return got;
    }
};

TEST_F(corking, uncorked_writes_go_straight_through) {
    EXPECT_EQ(write("ab"), 2u);
    EXPECT_EQ(write("cd"), 2u);
    EXPECT_EQ(writes, (std::vector<std::string>{"ab", "cd"}));
}

TEST_F(corking, gathered_writes_leave_with_the_flushing_one_in_one_call) {
    s.cork();
    EXPECT_EQ(write("one,"), 4u); // completes, nothing written yet
    EXPECT_EQ(write("two,"), 4u);
    EXPECT_TRUE(writes.empty());
    s.flush_on_next_write();
    EXPECT_EQ(write("three"), 5u); // the caller is told of its own bytes only
    EXPECT_EQ(writes, std::vector<std::string>{"one,two,three"});
    EXPECT_EQ(write("after"), 5u); // uncorked again
    EXPECT_EQ(writes.back(), "after");
}

TEST_F(corking, reset_drops_what_was_gathered) {
    s.cork();
    write("lost");
    s.reset_cork();
    write("kept");
    EXPECT_EQ(writes, std::vector<std::string>{"kept"});
}

} // namespace
