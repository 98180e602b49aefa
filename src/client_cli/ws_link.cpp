// The JSON protocol's client side over Beast's WebSocket, on a net::transport.
#include "ws_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream_base.hpp>

namespace runnel::client_cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr std::string_view subprotocol = "runnel.json";

} // namespace

ws_link::ws_link(net::transport_ptr t, std::chrono::milliseconds timeout)
    : ws_(net::transport_stream(std::move(t))), timeout_(timeout),
      watchdog_(ws_.get_executor(), ws_.next_layer().inner()) {
    ws_.text(true);
    ws_.read_message_max(64u << 20);
    // A server that stops answering is found by pings when the connection is idle.
    websocket::stream_base::timeout opt{};
    opt.handshake_timeout = websocket::stream_base::none();
    opt.idle_timeout = std::chrono::seconds(60);
    opt.keep_alive_pings = true;
    ws_.set_option(opt);
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::sec_websocket_protocol, subprotocol);
        req.set(beast::http::field::user_agent, "runnel-cli");
    }));
}

asio::awaitable<void> ws_link::handshake(endpoint e) {
    websocket::response_type res;
    watchdog_.arm(timeout_);
    auto [ec] = co_await ws_.async_handshake(res, e.authority(), e.target, use_tuple);
    watchdog_.disarm();
    const std::string where = "WebSocket upgrade at " + e.target;
    if (ec == websocket::error::upgrade_declined)
        throw refusal(where + " refused: " + describe_http_error(res.result_int(), res.body()));
    if (watchdog_.expired()) throw failure(where + ": no answer within " + describe(timeout_));
    if (ec) throw failure(where + " failed: " + ec.message());
    if (res[beast::http::field::sec_websocket_protocol] != subprotocol)
        throw refusal(where + ": the server does not speak the subprotocol runnel.json");
}

asio::awaitable<ws_frame> ws_link::read_frame(std::string_view waiting_for) {
    for (;;) {
        buffer_.clear();
        auto [ec, n] = co_await ws_.async_read(buffer_, use_tuple);
        const std::string where = waiting_for.empty() ? "" : " (waiting for " + std::string(waiting_for) + ")";
        if (watchdog_.expired()) throw failure("no answer from the server within " + describe(timeout_) + where);
        if (ec == websocket::error::closed) {
            auto reason = ws_.reason();
            std::string why = reason.reason.empty() ? "" : ": " + std::string(reason.reason.c_str());
            throw failure("the server closed the WebSocket (code " + std::to_string(reason.code) + why + ")" + where);
        }
        if (ec == beast::error::timeout) throw failure("the server stopped answering pings" + where);
        if (ec) throw failure("connection lost: " + ec.message() + where);
        std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
        if (auto f = decode_ws_frame(text)) co_return std::move(*f);
        // Not JSON: a server of another protocol. Shown, not guessed at.
        throw refusal("unexpected frame from the server: " + std::string(text.substr(0, 200)));
    }
}

asio::awaitable<reply> ws_link::request(std::string members, std::string what) {
    const std::int64_t id = next_id_++;
    std::string frame = "{\"id\":" + std::to_string(id) + "," + members + "}";
    watchdog_.arm(timeout_);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(frame), use_tuple);
    if (ec) {
        watchdog_.disarm();
        throw failure("connection lost: " + ec.message() + " (sending " + what + ")");
    }
    for (;;) {
        auto f = co_await read_frame(what);
        auto* r = std::get_if<reply>(&f);
        if (r && (r->id == id || (!r->id && !r->ok))) { // an error without id answers a bad frame: ours
            watchdog_.disarm();
            co_return std::move(*r);
        }
        kept_.push_back(std::move(f));
    }
}

asio::awaitable<ws_frame> ws_link::next_frame() {
    if (!kept_.empty()) {
        auto f = std::move(kept_.front());
        kept_.pop_front();
        co_return f;
    }
    co_return co_await read_frame("");
}

asio::awaitable<void> ws_link::close() {
    watchdog_.arm(timeout_);
    co_await ws_.async_close(websocket::close_code::normal, use_tuple);
    watchdog_.disarm();
    ws_.next_layer().inner().close();
}

} // namespace runnel::client_cli
