#pragma once
/// What each --via does for `runnel pub` (a publisher) and `runnel sub` (a subscribe loop).
/// pub drives a publisher from its main thread while the network runs on an io thread; sub
/// runs one subscribe coroutine that returns once -n/--count messages were printed.
/// Affinity: everything here runs on the io_context of the command.
#include "printer.hpp"
#include "runnel/client_cli/options.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace runnel::client_cli {

/// One connection that publishes. Failures throw (failure, refusal).
class publisher {
public:
    /// `tls` is null for plain endpoints; it outlives the publisher.
    publisher(const pub_options& o, const endpoint& e, boost::asio::ssl::context* tls) : o_(o), e_(e), tls_(tls) {}
    virtual ~publisher() = default;
    virtual boost::asio::awaitable<void> open() = 0;
    /// Publishes once (waiting for the acknowledgement the transport has); returns what -v prints.
    virtual boost::asio::awaitable<std::string> publish(std::string payload) = 0;
    /// Makes sure the server took everything, then ends the connection.
    virtual boost::asio::awaitable<void> close() = 0;

protected:
    pub_options o_;
    endpoint e_;
    boost::asio::ssl::context* tls_;
};

std::unique_ptr<publisher> make_mqtt_publisher(const pub_options& o, const endpoint& e, boost::asio::ssl::context* tls);
std::unique_ptr<publisher> make_ws_publisher(const pub_options& o, const endpoint& e, boost::asio::ssl::context* tls);
std::unique_ptr<publisher> make_http_publisher(const pub_options& o, const endpoint& e, boost::asio::ssl::context* tls);

/// Subscribe loops: they print every message and return once `out` is done; failures throw.
/// -v notes "subscribed to ..." on stderr once the subscription is in place.
boost::asio::awaitable<void> subscribe_mqtt(sub_options o, endpoint e, boost::asio::ssl::context* tls, printer& out);
boost::asio::awaitable<void> subscribe_ws(sub_options o, endpoint e, boost::asio::ssl::context* tls, printer& out);
boost::asio::awaitable<void> subscribe_poll(sub_options o, endpoint e, boost::asio::ssl::context* tls, printer& out);
boost::asio::awaitable<void> subscribe_sse(sub_options o, endpoint e, boost::asio::ssl::context* tls, printer& out);

/// Runs a command: `check` (a usage_error exits 2), then `run` (a failure exits 1), each error
/// one line on stderr after "runnel <name>: ".
int run_command(const char* name, const std::function<endpoint()>& check,
                const std::function<void(const endpoint&)>& run);

/// "chat/#, alerts" for notes.
std::string join_filters(const sub_options& o);

} // namespace runnel::client_cli
