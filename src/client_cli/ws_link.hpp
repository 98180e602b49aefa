#pragma once
/// One JSON-protocol WebSocket connection of `runnel pub`/`runnel sub` (docs/protocol.md, "JSON
/// protocol over WebSocket"): the upgrade with subprotocol `runnel.json`, requests matched to
/// their replies by id, and the frames in between (pushes) kept in order for next_frame().
/// Affinity: the io_context of its transport; one coroutine uses it at a time.
#include "runnel/client_cli/endpoint.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "watchdog.hpp"

#include "runnel/net/transport_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace runnel::client_cli {

class ws_link {
public:
    ws_link(net::transport_ptr t, std::chrono::milliseconds timeout);

    /// The upgrade at `e.target`; a refusal (an HTTP status, or no `runnel.json` in the
    /// answer) throws refusal.
    boost::asio::awaitable<void> handshake(endpoint e);
    /// Sends `{"id":N,<members>}` and returns the reply to it (pushes that arrive first are
    /// kept). `what` names the request in a timeout message.
    boost::asio::awaitable<reply> request(std::string members, std::string what);
    /// The next frame, kept ones first; throws failure when the connection ends.
    boost::asio::awaitable<ws_frame> next_frame();
    /// The close handshake, bounded by the timeout; errors are ignored.
    boost::asio::awaitable<void> close();

private:
    boost::asio::awaitable<ws_frame> read_frame(std::string_view waiting_for);

    boost::beast::websocket::stream<net::transport_stream> ws_;
    std::chrono::milliseconds timeout_;
    watchdog watchdog_;
    boost::beast::flat_buffer buffer_;
    std::deque<ws_frame> kept_;
    std::int64_t next_id_ = 1;
};

} // namespace runnel::client_cli
