// Precompiled for the HTTP/WebSocket targets: Asio plus Beast's HTTP and WebSocket headers.
#include "asio.hpp"
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
