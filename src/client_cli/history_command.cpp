// `runnel history`: one page of a channel's history (or every page with --all) over REST or the
// JSON protocol, printed one message per line like `runnel sub`.
#include "connect.hpp"
#include "http_link.hpp"
#include "printer.hpp"
#include "ws_link.hpp"

#include "runnel/client_cli/commands.hpp"
#include "runnel/client_cli/requests.hpp"
#include "runnel/client_cli/server_frames.hpp"
#include "transports.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>

#include <exception>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

/// Prints a page; true when another one should be fetched.
bool print_page(const history_options& o, const history_reply& r, printer& out) {
    if (!r.complete) note("incomplete history: " + (r.reason.empty() ? "some messages are gone" : r.reason), "history");
    for (const auto& m : r.messages) out.print(m);
    return o.all && r.next.has_value();
}

asio::awaitable<void> history_http(history_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    http_link link(co_await asio::this_coro::executor, e, tls, o.conn.timeout);
    if (o.conn.token) link.set_token(*o.conn.token);
    std::optional<std::string> page;
    for (;;) {
        auto req = link.make_request(boost::beast::http::verb::get, history_target(e.target, o.channel, history_query(o, page)));
        auto a = co_await link.exchange(std::move(req), o.conn.timeout);
        if (a.status != 200) throw refusal("history refused: " + describe_http_error(a.status, a.body));
        auto r = decode_history_reply(a.body);
        if (!r) throw refusal("unexpected history reply: " + a.body.substr(0, 200));
        if (!print_page(o, *r, out)) break;
        page = r->next;
    }
    link.close();
}

asio::awaitable<void> history_ws(history_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    auto link = std::make_unique<ws_link>(co_await open_transport(e, tls, o.conn.timeout), o.conn.timeout);
    co_await link->handshake(e);
    auto c = co_await link->request(connect_members(o.conn.client_id, o.conn.token), "the connect reply");
    if (!c.ok) throw refusal("connect refused: " + std::to_string(c.code) + " " + c.message);
    std::optional<std::string> page;
    for (;;) {
        auto members = history_members(o, page);
        auto r = co_await link->request(std::move(members), "the history reply");
        if (!r.ok) throw refusal("history refused: " + std::to_string(r.code) + " " + r.message);
        auto h = decode_history_reply(r.text);
        if (!h) throw refusal("unexpected history reply: " + r.text.substr(0, 200));
        if (!print_page(o, *h, out)) break;
        page = h->next;
    }
    co_await link->close();
}

void read_history(const history_options& o, const endpoint& e) {
    auto tls = make_tls(e, o.conn);
    printer out(o.format, 0, o.cipher, "history");
    asio::io_context io;
    std::exception_ptr error;
    auto run = e.via == via::ws ? history_ws(o, e, tls.get(), out) : history_http(o, e, tls.get(), out);
    asio::co_spawn(io, std::move(run), [&](std::exception_ptr ep) { error = ep; });
    io.run();
    if (error) std::rethrow_exception(error);
    out.check_decrypted();
}

} // namespace

int run_history(history_args a) {
    return run_command("history", [&] {
        finish_args(a);
        return validate(a.o);
    }, [&](const endpoint& e) { read_history(a.o, e); });
}

} // namespace runnel::client_cli
