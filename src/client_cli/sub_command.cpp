// `runnel sub`: one coroutine subscribes and prints; -W bounds the whole run.
#include "connect.hpp"
#include "runnel/client_cli/commands.hpp"
#include "transports.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <exception>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

asio::awaitable<void> subscribe(sub_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    switch (e.via) {
    case via::ws: return subscribe_ws(std::move(o), std::move(e), tls, out);
    case via::http: return subscribe_poll(std::move(o), std::move(e), tls, out);
    case via::sse: return subscribe_sse(std::move(o), std::move(e), tls, out);
    default: return subscribe_mqtt(std::move(o), std::move(e), tls, out);
    }
}

/// Runs the subscription until it ends (count reached or failed) or -W passes.
void subscribe_until_done(const sub_options& o, const endpoint& e) {
    auto tls = make_tls(e, o.conn);
    printer out(o.format, o.count, o.cipher, "sub");
    asio::io_context io;
    std::exception_ptr error;
    bool ended = false;
    asio::co_spawn(io, subscribe(o, e, tls.get(), out), [&](std::exception_ptr ep) {
        error = ep;
        ended = true;
        io.stop(); // the keep-alive and idle timers would hold run() open
    });
    if (o.duration) io.run_for(*o.duration);
    else io.run();
    if (ended && error) std::rethrow_exception(error);
    out.check_decrypted();
}

} // namespace

int run_sub(sub_args a) {
    return run_command("sub", [&] {
        finish_args(a);
        return validate(a.o);
    }, [&](const endpoint& e) { subscribe_until_done(a.o, e); });
}

} // namespace runnel::client_cli
