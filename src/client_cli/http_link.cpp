// HTTP/1.1 client exchanges over a net::transport with Beast.
#include "http_link.hpp"

#include "connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace runnel::client_cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {
constexpr std::uint64_t max_body = 64u << 20;
} // namespace

http_link::http_link(asio::any_io_executor ex, endpoint e, asio::ssl::context* tls, std::chrono::milliseconds timeout)
    : ex_(ex), e_(std::move(e)), tls_(tls), timeout_(timeout), watchdog_(ex, [this] { close(); }) {}

http_request http_link::make_request(bhttp::verb method, std::string target) const {
    http_request req{method, target, 11};
    req.set(bhttp::field::host, e_.authority());
    req.set(bhttp::field::user_agent, "runnel-cli");
    if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
    return req;
}

void http_link::close() noexcept {
    if (stream_) stream_->inner().close();
}

void http_link::fail(const boost::system::error_code& ec, const std::string& what) {
    const bool expired = watchdog_.expired();
    stream_.reset();
    if (expired) throw failure("no answer from " + e_.authority() + " within " + describe(watchdog_.armed_for()) + " (" + what + ")");
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof)
        throw failure("the server closed the connection (" + what + ")");
    throw failure("connection lost: " + ec.message() + " (" + what + ")");
}

asio::awaitable<void> http_link::connect() {
    stream_.reset();
    buffer_.clear();
    stream_.emplace(co_await open_transport(e_, tls_, timeout_));
}

// Writes `req`, on a new connection if needed; true when the connection was reused (a failure
// on it may only mean the server had closed it while idle).
asio::awaitable<bool> http_link::send(http_request& req) {
    const bool reused = stream_.has_value();
    if (!reused) co_await connect();
    req.prepare_payload();
    auto [ec, n] = co_await bhttp::async_write(*stream_, req, use_tuple);
    if (ec && reused) { // stale: once more on a fresh connection
        co_await connect();
        std::tie(ec, n) = co_await bhttp::async_write(*stream_, req, use_tuple);
        if (!ec) co_return false;
    }
    if (ec) fail(ec, "sending " + std::string(req.target()));
    co_return reused;
}

asio::awaitable<http_answer> http_link::exchange(http_request req, std::chrono::milliseconds wait) {
    watchdog_.arm(wait);
    for (int attempt = 0;; ++attempt) {
        const bool reused = co_await send(req);
        bhttp::response_parser<bhttp::string_body> p;
        p.body_limit(max_body);
        auto [ec, n] = co_await bhttp::async_read(*stream_, buffer_, p, use_tuple);
        if (ec == bhttp::error::end_of_stream && reused && attempt == 0 && !watchdog_.expired()) {
            stream_.reset(); // closed while idle, before it read the request: send it again
            continue;
        }
        if (ec) fail(ec, std::string(req.target()));
        watchdog_.disarm();
        auto res = p.release();
        if (!res.keep_alive()) stream_.reset();
        co_return http_answer{res.result_int(), std::move(res.body())};
    }
}

asio::awaitable<http_answer> http_link::open_stream(http_request req) {
    watchdog_.arm(timeout_);
    stream_.reset(); // a stream never shares its connection
    co_await send(req);
    parser_.emplace();
    parser_->body_limit(boost::none);
    auto [ec, n] = co_await bhttp::async_read_header(*stream_, buffer_, *parser_, use_tuple);
    if (ec) fail(ec, std::string(req.target()));
    http_answer a{parser_->get().result_int(), {}};
    if (a.status != 200) {
        parser_->body_limit(max_body);
        std::tie(ec, n) = co_await bhttp::async_read(*stream_, buffer_, *parser_, use_tuple);
        a.body = std::move(parser_->get().body());
        stream_.reset();
    }
    watchdog_.disarm();
    co_return a;
}

asio::awaitable<std::string> http_link::read_body(std::chrono::milliseconds idle) {
    auto& body = parser_->get().body();
    while (body.empty()) {
        if (parser_->is_done()) {
            stream_.reset();
            throw failure("the server ended the stream");
        }
        watchdog_.arm(idle);
        auto [ec, n] = co_await bhttp::async_read_some(*stream_, buffer_, *parser_, use_tuple);
        watchdog_.disarm();
        if (ec) fail(ec, "reading the stream");
    }
    std::string out = std::move(body);
    body.clear();
    co_return out;
}

} // namespace runnel::client_cli
