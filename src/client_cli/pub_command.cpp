// `runnel pub`: the network runs on an io thread; this thread reads the messages (it may block
// on stdin with -l while the MQTT keep-alive goes on) and hands each publish over.
#include "connect.hpp"
#include "payload_source.hpp"
#include "runnel/client_cli/commands.hpp"
#include "transports.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <thread>

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

/// The io thread. stop() (idempotent, also run by the destructor) ends and joins it; objects
/// holding sockets must go after stop() and before the io_thread itself.
class io_thread {
public:
    io_thread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
    ~io_thread() { stop(); }
    void stop() {
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }
    /// Runs `op` on the io thread and waits for it; its exception is rethrown here.
    template <class T>
    T call(asio::awaitable<T> op) {
        return asio::co_spawn(io_, std::move(op), asio::use_future).get();
    }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
    std::thread thread_;
};

std::unique_ptr<publisher> make_publisher(const pub_options& o, const endpoint& e, asio::ssl::context* tls) {
    switch (e.via) {
    case via::ws: return make_ws_publisher(o, e, tls);
    case via::http: return make_http_publisher(o, e, tls);
    default: return make_mqtt_publisher(o, e, tls);
    }
}

void publish_all(const pub_options& o, const endpoint& e) {
    payload_source source(o); // reads MESSAGE, the file or stdin before connecting
    auto tls = make_tls(e, o.conn);
    io_thread io;
    auto pub = make_publisher(o, e, tls.get());
    struct stop_first { // the publisher is destroyed on this thread, after the io thread ended
        io_thread& io;
        ~stop_first() { io.stop(); }
    } guard{io};
    io.call(pub->open());
    while (auto payload = source.next()) {
        for (std::uint64_t i = 0; i < o.count; ++i) {
            // Sealed once per publish: each copy gets its own nonce.
            auto said = io.call(pub->publish(o.cipher ? seal(*o.cipher, *payload) : *payload));
            if (o.verbose) std::printf("%s\n", said.c_str());
        }
    }
    io.call(pub->close());
    std::fflush(stdout);
}

} // namespace

int run_pub(pub_args a) {
    return run_command("pub", [&] {
        finish_args(a);
        return validate(a.o);
    }, [&](const endpoint& e) { publish_all(a.o, e); });
}

} // namespace runnel::client_cli
