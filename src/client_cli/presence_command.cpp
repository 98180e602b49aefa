// `runnel presence`: here-now of a channel, where-now of a client, a member's state, or an HTTP
// client's leave, over REST.
#include "runnel/client_cli/presence_command.hpp"

#include "connect.hpp"
#include "http_link.hpp"
#include "transports.hpp"

#include "runnel/client_cli/errors.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "runnel/core/url.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdio>
#include <exception>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

namespace bhttp = boost::beast::http;

/// `verb` `target`, with `body` (JSON) for a PUT.
asio::awaitable<void> query(std::string target, connection_options conn, endpoint e, asio::ssl::context* tls,
                            bhttp::verb verb, std::string body) {
    http_link link(co_await asio::this_coro::executor, e, tls, conn.timeout);
    if (conn.token) link.set_token(*conn.token);
    auto req = link.make_request(verb, std::move(target));
    if (verb == bhttp::verb::put) {
        req.set(boost::beast::http::field::content_type, "application/json");
        req.body() = std::move(body);
        req.prepare_payload();
    }
    auto a = co_await link.exchange(std::move(req), conn.timeout);
    link.close();
    if (a.status != 200) throw refusal("presence refused: " + describe_http_error(a.status, a.body));
    std::fwrite(a.body.data(), 1, a.body.size(), stdout);
    std::fputc('\n', stdout);
}

} // namespace

void add_presence_command(CLI::App& app, presence_args& a) {
    auto* c = app.add_subcommand("presence", "Who is present in a channel (here-now), or where a client is (--client)");
    auto& o = a.o;
    c->add_option("channel", o.channel, "the channel, or a wildcard filter (the presence of its wildcard subscribers)");
    c->add_option("--client", a.client,
                  "without CHANNEL, where-now: the channels where this client id or token subject is present; "
                  "with --state, the member whose state to read or set (default: the token's subject)");
    c->add_flag("--state", a.state, "read the member's state in CHANNEL");
    c->add_option("--set-state", a.set_state, "set the member's state in CHANNEL (a JSON object; implies --state)");
    c->add_flag("--leave", a.leave, "the member's long-polls and SSE streams leave CHANNEL now (an HTTP client's unsubscribe)");
    c->add_option("--url", o.conn.url, "server URL: http[s]:// (default http://127.0.0.1:8080)");
    c->add_option_function<std::string>("--token", [&o](const std::string& v) { o.conn.token = v; },
                                        "access token (Authorization: Bearer)");
    c->add_option("--cafile", o.conn.cafile, "CA certificate (PEM) to verify the server (default: the system store)");
    c->add_flag("--insecure", o.conn.insecure, "do not verify the server's certificate");
}

int run_presence(presence_args a) {
    return run_command("presence", [&] {
        if (!a.set_state.empty()) a.state = true;
        if (a.state && a.leave) throw usage_error("--leave does not go with --state or --set-state");
        if ((a.state || a.leave) && a.o.channel.empty()) throw usage_error("--state, --set-state and --leave need CHANNEL");
        if (!a.state && !a.leave && a.o.channel.empty() == a.client.empty()) throw usage_error("give either CHANNEL or --client ID");
        auto o = a.o;
        o.conn.via = via::http;
        if (o.channel.empty()) o.channel = a.client; // validate() wants a non-empty name
        return validate(o);
    }, [&](const endpoint& e) {
        auto tls = make_tls(e, a.o.conn);
        std::string target;
        if (a.state || a.leave) {
            target = e.target + "/v1/channels/" + core::percent_encode(a.o.channel) +
                     (a.leave ? "/presence/leave" : "/presence/state");
            if (!a.client.empty()) target += "?client_id=" + core::percent_encode(a.client);
        } else {
            target = a.client.empty() ? e.target + "/v1/channels/" + core::percent_encode(a.o.channel) + "/presence"
                                      : e.target + "/v1/clients/" + core::percent_encode(a.client) + "/channels";
        }
        asio::io_context io;
        std::exception_ptr error;
        auto verb = a.leave ? bhttp::verb::post : a.set_state.empty() ? bhttp::verb::get : bhttp::verb::put;
        asio::co_spawn(io, query(std::move(target), a.o.conn, e, tls.get(), verb, a.set_state),
                       [&](std::exception_ptr ep) { error = ep; });
        io.run();
        if (error) std::rethrow_exception(error);
    });
}

} // namespace runnel::client_cli
