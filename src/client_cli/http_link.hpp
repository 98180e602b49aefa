#pragma once
/// HTTP/1.1 for `runnel pub --via http` and `runnel sub --via http|sse`: one kept-alive
/// connection, opened on demand, for request/response exchanges (REST publish, long-poll), and
/// a streamed response body for SSE. A request on a reused connection that the server had
/// already closed (its idle timeout) is sent once more on a new one.
/// Affinity: the io_context of its executor; one coroutine uses it at a time.
#include "runnel/client_cli/endpoint.hpp"
#include "watchdog.hpp"

#include "runnel/net/transport_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace runnel::client_cli {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

struct http_answer {
    unsigned status = 0;
    std::string body;
};

class http_link {
public:
    /// `tls` when the endpoint is TLS; it must outlive the link.
    http_link(boost::asio::any_io_executor ex, endpoint e, boost::asio::ssl::context* tls,
              std::chrono::milliseconds timeout);

    /// A request with Host, User-Agent and (when given) Authorization: Bearer set.
    http_request make_request(boost::beast::http::verb method, std::string target) const;
    void set_token(std::string token) { token_ = std::move(token); }

    /// Sends `req` and reads the whole response within `wait`; failure on network errors.
    boost::asio::awaitable<http_answer> exchange(http_request req, std::chrono::milliseconds wait);
    /// Sends `req` and reads the response header within the timeout. On 200 the body follows
    /// through read_body(); otherwise the whole error body is read and returned.
    boost::asio::awaitable<http_answer> open_stream(http_request req);
    /// The next bytes of the streamed body, within `idle`; failure when the stream ends.
    boost::asio::awaitable<std::string> read_body(std::chrono::milliseconds idle);
    /// Drops the connection (the next request opens a new one).
    void close() noexcept;

private:
    boost::asio::awaitable<void> connect();
    boost::asio::awaitable<bool> send(http_request& req);
    [[noreturn]] void fail(const boost::system::error_code& ec, const std::string& what);

    boost::asio::any_io_executor ex_;
    endpoint e_;
    boost::asio::ssl::context* tls_;
    std::chrono::milliseconds timeout_;
    std::string token_;
    std::optional<net::transport_stream> stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
    watchdog watchdog_;
};

} // namespace runnel::client_cli
