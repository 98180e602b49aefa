#pragma once
// A transport with nobody on the other end, for driving HTTP handlers in unit tests: reads see
// the end of the stream, writes succeed, or throw (a client gone in a way the handler only
// learns by an exception).
#include "runnel/net/transport.hpp"

#include <boost/asio/io_context.hpp>

#include <stdexcept>
#include <string>

namespace runnel::gateway::http {

class test_peer final : public net::transport {
public:
    enum class writes { succeed, throw_ };
    explicit test_peer(boost::asio::io_context& io, writes w = writes::succeed) : io_(io), writes_(w) {}
    boost::asio::awaitable<boost::system::error_code> handshake() override { co_return boost::system::error_code{}; }
    boost::asio::awaitable<net::io_result> read_some(boost::asio::mutable_buffer) override {
        co_return net::io_result{boost::asio::error::eof, 0};
    }
    boost::asio::awaitable<net::io_result> write(std::span<const boost::asio::const_buffer>) override {
        if (writes_ == writes::throw_) throw std::runtime_error("write failed");
        co_return net::io_result{};
    }
    boost::asio::awaitable<void> shutdown() override { co_return; }
    void close() noexcept override {}
    boost::asio::any_io_executor executor() override { return io_.get_executor(); }
    const std::string& remote() const noexcept override { return remote_; }
    bool loopback() const noexcept override { return true; }
    const char* kind() const noexcept override { return "test"; }

private:
    boost::asio::io_context& io_;
    writes writes_;
    std::string remote_ = "127.0.0.1";
};

} // namespace runnel::gateway::http
